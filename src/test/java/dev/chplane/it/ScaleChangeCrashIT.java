package dev.chplane.it;

import static dev.chplane.it.ReplicatedService.replicatedTable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * chplane killed with SIGKILL right after a replica count change converges after its restart: the
 * planned replicas run, the removed ones are gone, the data is on every replica, and its ZooKeeper
 * node is adopted, not doubled.
 */
class ScaleChangeCrashIT {
  private Path dataDir;
  private ChplaneProcess chplane;

  @BeforeEach
  void start() throws IOException {
    dataDir = Files.createTempDirectory("chplane-scale-crash-");
    chplane = new ChplaneProcess(dataDir);
    chplane.start();
  }

  @AfterEach
  void stop() {
    chplane.close();
    ClickHouseProcesses.killAll(dataDir);
    ZooKeeperProcesses.killAll(dataDir);
    TestInstallation.deleteTree(dataDir);
  }

  private Path serviceDir(String id) {
    return dataDir.resolve("services").resolve(UUID.fromString(id).toString());
  }

  private void awaitConverged(ReplicatedService service, int replicas) {
    await()
        .atMost(ReplicatedService.START)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                service.state().equals("running")
                    && ClickHouseProcesses.under(serviceDir(service.id())).size() == replicas);
    assertThat(service.get().get("numReplicas").asInt()).isEqualTo(replicas);
    assertThat(service.get().at("/currentScaling/effectiveMaxReplicas").asInt())
        .isEqualTo(replicas);
  }

  @Test
  void killDuringScaleUpAndScaleDownConverges() {
    ReplicatedService service =
        ReplicatedService.create(
            chplane.api(), dataDir.resolve("tls/ca.pem"), "crashy", 1, "\"idleScaling\":false");
    service.awaitState("running");
    service.sql(replicatedTable("default.t", "id UInt64", "id"));
    service.sql("INSERT INTO default.t SELECT number FROM numbers(4321)");

    service.scaleTo(3);
    chplane.kill9();
    chplane.start();
    awaitConverged(service, 3);
    service.awaitOnEveryReplica("SELECT count() FROM default.t", 3, "4321", Duration.ofSeconds(60));
    assertThat(ZooKeeperProcesses.under(dataDir)).as("ZooKeeper nodes").hasSize(1);

    service.scaleTo(1);
    chplane.kill9();
    chplane.start();
    awaitConverged(service, 1);
    service.awaitOnEveryReplica(
        "SELECT toString(count()) || '/' || toString((SELECT total_replicas FROM system.replicas"
            + " WHERE database = 'default' AND table = 't')) FROM default.t",
        1,
        "4321/1",
        Duration.ofSeconds(60));
    assertThat(ZooKeeperProcesses.under(dataDir)).as("ZooKeeper nodes").hasSize(1);
  }
}
