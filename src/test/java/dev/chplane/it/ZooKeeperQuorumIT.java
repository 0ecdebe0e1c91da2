package dev.chplane.it;

import static dev.chplane.it.ReplicatedService.replicatedTable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * chplane with {@code --zookeeper-nodes 3} and a service of two replicas: a replicated table
 * created {@code ON CLUSTER default} replicates, inserts go on while one ZooKeeper node is dead (a
 * quorum of two serves them), and chplane starts the dead node again, both at its own start and
 * while it runs.
 */
class ZooKeeperQuorumIT {
  private Path dataDir;
  private ChplaneProcess chplane;
  private ReplicatedService duo;
  private int nextId = 1000;
  private final List<String> refusals = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    dataDir = Files.createTempDirectory("chplane-zk-quorum-");
    chplane = new ChplaneProcess(dataDir, "--zookeeper-nodes", "3").start();
  }

  @AfterEach
  void stop() {
    chplane.close();
    ClickHouseProcesses.killAll(dataDir);
    ZooKeeperProcesses.killAll(dataDir);
    TestInstallation.deleteTree(dataDir);
  }

  @Test
  void insertsGoOnWithTwoOfThreeNodesAndChplaneRestartsTheThird() {
    duo =
        ReplicatedService.create(
            chplane.api(), dataDir.resolve("tls/ca.pem"), "quorum", 2, "\"idleScaling\":false");
    duo.awaitState("running");
    duo.sql(replicatedTable("default.t", "id UInt64", "id"));
    duo.sql("INSERT INTO default.t SELECT number FROM numbers(1000)");
    duo.awaitOnEveryReplica("SELECT count() FROM default.t", 2, "1000", Duration.ofSeconds(60));
    List<ProcessHandle> nodes = ZooKeeperProcesses.under(dataDir);
    assertThat(nodes).as("chplane's ZooKeeper nodes").hasSize(3);

    // with chplane down nothing starts the node again: the inserts are served by the other two
    chplane.kill9();
    ProcessHandle first = nodes.get(0);
    first.destroyForcibly();
    await().atMost(Duration.ofSeconds(10)).until(() -> !first.isAlive());
    insertTen();
    assertThat(ZooKeeperProcesses.under(dataDir))
        .as("two nodes served those inserts")
        .hasSize(2)
        .doesNotContain(first);

    chplane.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> ZooKeeperProcesses.under(dataDir).size() == 3);
    assertThat(ZooKeeperProcesses.under(dataDir))
        .as("the dead node started again, the others adopted")
        .doesNotContain(first)
        .contains(nodes.get(1), nodes.get(2));

    // while chplane runs, its supervision starts a killed node again within seconds
    ProcessHandle second = nodes.get(1);
    second.destroyForcibly();
    await().atMost(Duration.ofSeconds(10)).until(() -> !second.isAlive());
    insertTen();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              List<ProcessHandle> now = ZooKeeperProcesses.under(dataDir);
              return now.size() == 3 && !now.contains(second);
            });
    insertTen();

    System.out.println(
        "ZooKeeperQuorumIT: "
            + refusals.size()
            + " insert attempts refused while a node was down; first: "
            + refusals.stream().findFirst().orElse("none"));
    int rows = nextId;
    duo.awaitOnEveryReplica(
        "SELECT toString(count()) || '/' || toString(uniqExact(id)) FROM default.t",
        2,
        rows + "/" + rows,
        Duration.ofSeconds(60));
    assertThat(duo.state()).isEqualTo("running");
  }

  /**
   * Ten inserts of new ids, one at a time; each may be retried for a few seconds (a server whose
   * ZooKeeper session was on the dead node moves it to another), which deduplication makes safe.
   */
  private void insertTen() {
    for (int i = 0; i < 10; i++) {
      int id = nextId++;
      await()
          .atMost(Duration.ofSeconds(45))
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                ClickHouseClients.Answer a = duo.query("INSERT INTO default.t VALUES (" + id + ")");
                if (!a.ok()) {
                  refusals.add(a.status() + " " + a.body().strip());
                }
                return a.ok();
              });
    }
  }
}
