package dev.chplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.domain.Backup;
import dev.chplane.domain.BackupConfiguration;
import dev.chplane.domain.BackupStatus;
import dev.chplane.domain.BackupType;
import dev.chplane.domain.Credentials;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Scaling;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServicePorts;
import dev.chplane.domain.ServiceSpec;
import dev.chplane.domain.ServiceState;
import dev.chplane.json.JsonMappers;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.ServiceAccess;
import dev.chplane.provision.local.ReplicatedServers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup of a one-replica service with a Replicated and a plain MergeTree-family table, restored
 * into a new service of two replicas: both tables are Replicated there, under the new service's own
 * ZooKeeper root, and both replicas hold every row.
 */
class ReplicatedRestoreIT {
  @TempDir Path dir;

  private static Service service(UUID id, String version) {
    ServiceSpec spec =
        new ServiceSpec(
            "svc",
            "aws",
            "us-east-1",
            null,
            List.of(),
            Scaling.defaults(),
            null,
            false,
            null,
            false,
            List.of(),
            null,
            BackupConfiguration.defaults());
    return new Service(
        id,
        UUID.randomUUID(),
        Instant.now(),
        spec,
        ServiceState.RUNNING,
        DesiredState.RUNNING,
        null,
        version,
        new Credentials("aa".repeat(32), "bb".repeat(20)),
        new ServicePorts(18443, 19440),
        1);
  }

  private static long count(ServiceAccess on, String table) throws ProvisionException {
    return Long.parseLong(on.query("SELECT count() FROM " + table).strip());
  }

  @Test
  void restoresIntoTwoReplicasAsReplicatedTables() throws Exception {
    ObjectMapper json = JsonMappers.strict();
    BackupStorage storage = new DirectoryStorage(dir.resolve("backups"));
    try (ReplicatedServers servers = new ReplicatedServers(dir.resolve("chplane"))) {
      UUID sourceId = UUID.randomUUID();
      String version = servers.start(sourceId, 1);
      ServiceAccess source = servers.connector().replicaAccess(sourceId, 0);
      source.query("CREATE DATABASE db");
      source.query(
          "CREATE TABLE db.r (id UInt64) ENGINE ="
              + " ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')"
              + " ORDER BY id");
      source.query(
          "CREATE TABLE db.p (d Date, id UInt64) ENGINE = SummingMergeTree PARTITION BY"
              + " toYYYYMM(d) ORDER BY id");
      source.query("INSERT INTO db.r SELECT number FROM numbers(1000)");
      source.query(
          "INSERT INTO db.p SELECT toDate('2024-01-01') + (number % 3) * 40, number FROM"
              + " numbers(600)");
      Backup backup =
          new Backup(
              UUID.randomUUID(),
              UUID.randomUUID(),
              sourceId,
              "us-east-1",
              BackupStatus.IN_PROGRESS,
              BackupType.FULL,
              UUID.randomUUID(),
              Instant.now(),
              null,
              0,
              "b",
              null,
              null);
      new BackupRunner(servers.connector(), storage, json).run(service(sourceId, version), backup);

      UUID targetId = UUID.randomUUID();
      servers.start(targetId, 2);
      new BackupRestorer(servers.connector(), storage, json).restore(backup.id(), targetId, 2);

      for (int replica = 0; replica < 2; replica++) {
        ServiceAccess on = servers.connector().replicaAccess(targetId, replica);
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  assertThat(count(on, "db.r")).isEqualTo(1000);
                  assertThat(count(on, "db.p")).isEqualTo(600);
                });
        assertThat(
                on.query(
                        "SELECT name, engine FROM system.tables WHERE database = 'db' ORDER BY"
                            + " name FORMAT TSV")
                    .strip())
            .isEqualTo("p\tReplicatedSummingMergeTree\nr\tReplicatedMergeTree");
        assertThat(
                on.query(
                        "SELECT table, zookeeper_path, total_replicas FROM system.replicas WHERE"
                            + " database = 'db' ORDER BY table FORMAT TSV")
                    .strip())
            .isEqualTo("p\t/clickhouse/tables/1/db/p\t2\nr\t/clickhouse/tables/1/db/r\t2");
      }
      // the new service's tables replicate on their own, apart from the source's
      servers.connector().replicaAccess(targetId, 1).query("INSERT INTO db.r VALUES (5000)");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(count(servers.connector().replicaAccess(targetId, 0), "db.r"))
                      .isEqualTo(1001));
      assertThat(count(source, "db.r")).isEqualTo(1000);
    }
  }
}
