package dev.chplane.it;

import static dev.chplane.it.ReplicatedService.replicatedTable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL of chplane's ZooKeeper node: reads go on, inserts into replicated tables work again once
 * chplane has started ZooKeeper anew, and the replicas still replicate.
 */
class ZooKeeperFailureIT {
  private static TestInstallation chplane;

  @BeforeAll
  static void start() {
    chplane = new TestInstallation();
  }

  @AfterAll
  static void stop() {
    Path dir = chplane.dataDir();
    chplane.stopChplane();
    ZooKeeperProcesses.killAll(dir);
    chplane.close();
  }

  @Test
  void readsGoOnAndInsertsComeBackAfterZooKeeperIsKilled() {
    ReplicatedService duo =
        ReplicatedService.create(
            chplane.api(), chplane.caCertificate(), "duo", 2, "\"idleScaling\":false");
    duo.awaitState("running");
    duo.sql(replicatedTable("default.t", "id UInt64", "id"));
    duo.sql("INSERT INTO default.t SELECT number FROM numbers(1000)");
    duo.awaitOnEveryReplica("SELECT count() FROM default.t", 2, "1000", Duration.ofSeconds(30));
    List<ProcessHandle> zookeeper = ZooKeeperProcesses.under(chplane.dataDir());
    assertThat(zookeeper).as("chplane's ZooKeeper node (one by default)").hasSize(1);
    long killed = zookeeper.get(0).pid();

    zookeeper.get(0).destroyForcibly();
    await().atMost(Duration.ofSeconds(10)).until(() -> !zookeeper.get(0).isAlive());
    for (int i = 0; i < 10; i++) {
      assertThat(duo.sqlRetrying("SELECT count() FROM default.t", Duration.ofSeconds(5)))
          .isEqualTo("1000");
    }

    List<String> refusals = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              ClickHouseClients.Answer a =
                  duo.query("INSERT INTO default.t SELECT number + 1000 FROM numbers(10)");
              if (!a.ok()) {
                refusals.add(a.status() + " " + a.body().strip());
              }
              return a.ok();
            });
    System.out.println(
        "ZooKeeperFailureIT: "
            + refusals.size()
            + " inserts refused before ZooKeeper was back; first: "
            + refusals.stream().findFirst().orElse("none"));
    assertThat(ZooKeeperProcesses.under(chplane.dataDir()))
        .extracting(ProcessHandle::pid)
        .as("ZooKeeper started anew by chplane")
        .hasSize(1)
        .doesNotContain(killed);
    assertThat(duo.state()).isEqualTo("running");
    duo.awaitOnEveryReplica(
        "SELECT toString(count()) || '/' || toString(uniqExact(id)) FROM default.t",
        2,
        "1010/1010",
        Duration.ofSeconds(60));
    duo.delete();
  }
}
