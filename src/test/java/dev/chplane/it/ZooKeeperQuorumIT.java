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
 * created {@code ON CLUSTER default} replicates, inserts go on while one ZooKeeper node does not
 * answer (a quorum of two serves them), and chplane starts a killed node again within seconds.
 * (Killing chplane to keep a dead node down would take the service's endpoints with it: they are
 * chplane's edge.)
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

    // a node that stops answering (SIGSTOP: alive, so nothing starts it again) leaves a quorum of
    // two, which serves the inserts
    ProcessHandle first = nodes.get(0);
    signal("STOP", first);
    try {
      insertTen();
      assertThat(ZooKeeperProcesses.under(dataDir))
          .as("the same three processes, one of them stopped")
          .containsExactlyInAnyOrderElementsOf(nodes);
    } finally {
      signal("CONT", first);
    }

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

  private static void signal(String name, ProcessHandle p) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).start();
      assertThat(kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(kill.exitValue()).as("kill -" + name).isZero();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
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
