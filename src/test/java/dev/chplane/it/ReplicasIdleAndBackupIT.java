package dev.chplane.it;

import static dev.chplane.it.ReplicatedService.replicatedTable;
import static dev.chplane.it.TestInstallation.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Idle scaling and backups of services with replicas: an idle two-replica service stops both
 * servers and a connection wakes both; a backup of a two-replica service restored into a new
 * two-replica service has the rows on both replicas. A minute of idleTimeoutMinutes lasts 200 ms
 * here (idle after 1 s), an hour of the backup schedule half a second.
 */
class ReplicasIdleAndBackupIT {
  private static TestInstallation chplane;

  @BeforeAll
  static void start() {
    TestInstallation.IDLE_MINUTE.set(Duration.ofMillis(200));
    try {
      chplane = new TestInstallation(null, null, Duration.ofMillis(500));
    } finally {
      TestInstallation.IDLE_MINUTE.remove();
    }
  }

  @AfterAll
  static void stop() {
    Path dir = chplane.dataDir();
    chplane.stopChplane();
    ZooKeeperProcesses.killAll(dir);
    chplane.close();
  }

  private static ReplicatedService create(String name, int replicas, String extra) {
    return ReplicatedService.create(chplane.api(), chplane.caCertificate(), name, replicas, extra);
  }

  @Test
  void anIdleServiceStopsEveryReplicaAndAConnectionWakesThemAll() {
    ReplicatedService sleepy =
        create("sleepy pair", 2, "\"idleScaling\":true,\"idleTimeoutMinutes\":5");
    sleepy.awaitState("running");
    sleepy.sqlRetrying(replicatedTable("default.t", "id UInt64", "id"), Duration.ofSeconds(30));
    sleepy.sqlRetrying(
        "INSERT INTO default.t SELECT number FROM numbers(777)", Duration.ofSeconds(30));

    sleepy.awaitState("idle");
    assertThat(ClickHouseProcesses.under(chplane.serviceDir(sleepy.id())))
        .as("servers of an idle service")
        .isEmpty();

    assertThat(sleepy.sql("SELECT 42")).as("the waking connection's answer").isEqualTo("42");
    // queries keep the service awake while the second replica starts
    await()
        .atMost(ReplicatedService.START)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                sleepy.query("SELECT 1").ok()
                    && sleepy.state().equals("running")
                    && ClickHouseProcesses.under(chplane.serviceDir(sleepy.id())).size() == 2);
    sleepy.awaitOnEveryReplica("SELECT count() FROM default.t", 2, "777", Duration.ofSeconds(30));

    sleepy.awaitState("idle");
    assertThat(ClickHouseProcesses.under(chplane.serviceDir(sleepy.id()))).isEmpty();
  }

  @Test
  void aBackupOfTwoReplicasRestoredIntoTwoReplicasHasTheRowsOnBoth() {
    ReplicatedService source = create("backed up pair", 2, "\"idleScaling\":false");
    source.awaitState("running");
    source.sql(replicatedTable("default.orders", "id UInt64, amount Float64", "id"));
    source.sql("INSERT INTO default.orders SELECT number, number / 3 FROM numbers(5000)");
    String checksum = source.sql("SELECT sum(cityHash64(*)) FROM default.orders");
    source.awaitOnEveryReplica(
        "SELECT count() FROM default.orders", 2, "5000", Duration.ofSeconds(30));
    chplane
        .api()
        .patch(
            service(source.id()) + "/backupConfiguration",
            "{\"backupPeriodInHours\":6,\"backupRetentionPeriodInHours\":48}");
    JsonNode[] backup = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              JsonNode list = chplane.api().get(service(source.id()) + "/backups").result();
              backup[0] = list.size() == 0 ? null : list.get(0);
              return backup[0] != null && !backup[0].get("status").asText().equals("in_progress");
            });
    assertThat(backup[0].get("status").asText()).as(backup[0].toString()).isEqualTo("done");

    ReplicatedService restored =
        create(
            "restored pair",
            2,
            "\"idleScaling\":false,\"backupId\":\"" + backup[0].get("id").asText() + "\"");
    restored.awaitState("running");
    assertThat(ClickHouseProcesses.under(chplane.serviceDir(restored.id()))).hasSize(2);
    restored.awaitOnEveryReplica(
        "SELECT engine || '/' || toString((SELECT count() FROM default.orders))"
            + " || '/' || toString((SELECT sum(cityHash64(*)) FROM default.orders))"
            + " FROM system.tables WHERE database = 'default' AND name = 'orders'",
        2,
        "ReplicatedMergeTree/5000/" + checksum,
        Duration.ofSeconds(60));
    restored.sql("INSERT INTO default.orders SELECT number + 5000, 1 FROM numbers(10)");
    restored.awaitOnEveryReplica(
        "SELECT count() FROM default.orders", 2, "5010", Duration.ofSeconds(30));
    restored.delete();
    source.delete();
  }
}
