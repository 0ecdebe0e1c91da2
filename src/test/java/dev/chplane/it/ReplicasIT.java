package dev.chplane.it;

import static dev.chplane.it.ReplicatedService.replicatedTable;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A service with {@code numReplicas: 3} runs three replicated servers behind one endpoint: a
 * replicated table made with {@code ON CLUSTER default} holds the same rows on each, new
 * connections reach more than one replica, and a replica killed with SIGKILL leaves the service
 * {@code degraded} (still answering) until chplane has restarted it and it has caught up.
 */
class ReplicasIT {
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
  void threeReplicasShareTheRowsAndAKilledOneComesBackWithThem() {
    ReplicatedService trio =
        ReplicatedService.create(
            chplane.api(), chplane.caCertificate(), "trio", 3, "\"idleScaling\":false");
    JsonNode running = trio.awaitState("running");
    assertThat(running.get("numReplicas").asInt()).isEqualTo(3);
    assertThat(running.at("/currentScaling/effectiveMinReplicas").asInt()).isEqualTo(3);
    assertThat(running.at("/currentScaling/effectiveMaxReplicas").asInt()).isEqualTo(3);
    List<ProcessHandle> servers = ClickHouseProcesses.under(chplane.serviceDir(trio.id()));
    assertThat(servers).as("clickhouse-server processes of the service").hasSize(3);

    trio.sql(replicatedTable("default.t", "id UInt64", "id"));
    trio.sql("INSERT INTO default.t SELECT number FROM numbers(1000)");
    Map<String, String> counts =
        trio.awaitOnEveryReplica(
            "SELECT count() FROM default.t", 3, "1000", Duration.ofSeconds(30));
    assertThat(counts).hasSize(3);
    Set<String> answering = new LinkedHashSet<>();
    for (int i = 0; i < 30; i++) {
      String[] row =
          trio.sql(
                  "SELECT "
                      + ReplicatedService.REPLICA_NAME
                      + ", (SELECT count() FROM default.t) FORMAT TSV")
              .split("\t");
      assertThat(row[1]).as("rows seen by replica " + row[0]).isEqualTo("1000");
      answering.add(row[0]);
    }
    assertThat(answering).as("replicas that answered 30 new connections").hasSizeGreaterThan(1);

    long killed = servers.get(0).pid();
    servers.get(0).destroyForcibly();
    trio.awaitStateWithin("degraded", Duration.ofSeconds(5));

    // a client that reconnects keeps getting answers, and inserts go on, while one replica is gone
    for (int i = 0; i < 20; i++) {
      assertThat(
              Long.parseLong(
                  trio.sqlRetrying("SELECT count() FROM default.t", Duration.ofSeconds(5))))
          .isGreaterThanOrEqualTo(1000);
    }
    trio.sqlRetrying(
        "INSERT INTO default.t SELECT number + 1000 FROM numbers(500)", Duration.ofSeconds(10));

    trio.awaitState("running");
    assertThat(ClickHouseProcesses.under(chplane.serviceDir(trio.id())))
        .extracting(ProcessHandle::pid)
        .as("three servers again, the killed one replaced")
        .hasSize(3)
        .doesNotContain(killed);
    trio.awaitOnEveryReplica(
        "SELECT toString(count()) || '/' || toString(uniqExact(id)) FROM default.t",
        3,
        "1500/1500",
        Duration.ofSeconds(60));
    trio.delete();
  }
}
