package dev.chplane.provision.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.QueryLimits;
import dev.chplane.provision.ReplicatedTables;
import dev.chplane.provision.ServiceAccess;
import dev.chplane.provision.ServiceDeployment;
import dev.chplane.provision.TableConversion;
import dev.chplane.security.CertificateAuthority;
import dev.chplane.security.Hashes;
import dev.chplane.security.InstallationKey;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conversion of plain MergeTree-family tables to Replicated ones on a real 18.16 server with
 * chplane's own ZooKeeper, including resuming after a crash between its steps, and the tables that
 * refuse a scale-up.
 */
class TableConversionIT {
  private static final Duration START = Duration.ofSeconds(90);

  @TempDir Path dir;

  private ManagedZooKeeper zookeeper;
  private ServerExitWatch exits;
  private LocalProcessProvisioner provisioner;
  private final UUID id = UUID.randomUUID();
  private ServiceAccess server;
  private final TableConversion conversion = new TableConversion();

  @BeforeEach
  void startOneReplica() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("tls"), "localhost");
    MemoryPortRecords records = new MemoryPortRecords();
    Path zkDir = dir.resolve("zookeeper");
    PortAllocator ports =
        new PortAllocator(
            InetAddress.getLoopbackAddress(),
            () -> {
              Set<Integer> taken = new HashSet<>(records.taken());
              taken.addAll(ManagedZooKeeper.recordedPorts(zkDir));
              return taken;
            });
    zookeeper = new ManagedZooKeeper(zkDir, 1, ports);
    zookeeper.ensureServing(START);
    exits = new ServerExitWatch(Duration.ofMillis(100));
    provisioner =
        new LocalProcessProvisioner(
            dir.resolve("services"),
            ClickHouseBinary.locate(null),
            new ClickHouseHttp(ca.clientContext()),
            InstallationKey.loadOrCreate(dir.resolve("installation.key")),
            "127.0.0.1",
            ca.serverCertificate(),
            ca.serverKey(),
            QueryLimits.DEFAULTS,
            exits,
            records,
            ports,
            zookeeper);
    records.add(id, ports.allocateEndpoints());
    start(1);
    server = provisioner.replicaAccess(id, 0);
  }

  @AfterEach
  void stopAll() throws Exception {
    try {
      if (provisioner != null) {
        provisioner.remove(id);
      }
    } finally {
      if (exits != null) {
        exits.close();
      }
      if (zookeeper != null) {
        zookeeper.close();
        zookeeper.stopNodes(Duration.ofSeconds(10));
      }
    }
  }

  private void start(int replicas) throws ProvisionException {
    ServiceDeployment d =
        new ServiceDeployment(
            id,
            replicas,
            Hashes.sha256Hex("secret"),
            Hashes.doubleSha1Hex("secret"),
            List.of("127.0.0.1"),
            1L << 30);
    provisioner.configure(d);
    provisioner.start(d, START);
  }

  private String q(String sql) throws ProvisionException {
    return server.query(sql).strip();
  }

  private long count(ServiceAccess on, String table) throws ProvisionException {
    return Long.parseLong(on.query("SELECT count() FROM " + table).strip());
  }

  private String engine(String table) throws ProvisionException {
    return q("SELECT engine FROM system.tables WHERE database = 'db' AND name = '" + table + "'");
  }

  private Set<String> tableNames() throws ProvisionException {
    return Set.of(
        q("SELECT name FROM system.tables WHERE database = 'db' ORDER BY name").split("\n"));
  }

  /** A MergeTree table with 3 partitions and 3,000 rows, in two inserts. */
  private void partitioned(String table) throws ProvisionException {
    q(
        "CREATE TABLE db."
            + table
            + " (d Date, id UInt64, s String) ENGINE = MergeTree PARTITION BY toYYYYMM(d)"
            + " ORDER BY id");
    for (int batch = 0; batch < 2; batch++) {
      q(
          "INSERT INTO db."
              + table
              + " SELECT toDate('2024-01-01') + (number % 3) * 40, number + "
              + batch * 1500
              + ", toString(number) FROM numbers(1500)");
    }
  }

  @Test
  void convertsTablesAndFinishesInterruptedConversions() throws Exception {
    q("CREATE DATABASE db");
    partitioned("fresh");
    q(
        "CREATE TABLE db.old_syntax (d Date, id UInt64, v UInt8) ENGINE ="
            + " ReplacingMergeTree(d, (id), 8192, v)");
    q("INSERT INTO db.old_syntax SELECT toDate('2024-02-01'), number % 100, 1 FROM numbers(300)");
    q("CREATE TABLE db.empty (id UInt64) ENGINE = MergeTree ORDER BY tuple()");

    // crashed after attaching one of three partitions to the Replicated copy
    partitioned("half");
    q(
        "CREATE TABLE db.half__chplane_replicated (d Date, id UInt64, s String) ENGINE ="
            + " ReplicatedMergeTree('/clickhouse/tables/{shard}/db/half', '{replica}')"
            + " PARTITION BY toYYYYMM(d) ORDER BY id");
    q("ALTER TABLE db.half__chplane_replicated ATTACH PARTITION 202401 FROM db.half");

    // crashed between the two renames
    partitioned("renaming");
    q(
        "CREATE TABLE db.renaming__chplane_replicated (d Date, id UInt64, s String) ENGINE ="
            + " ReplicatedMergeTree('/clickhouse/tables/{shard}/db/renaming', '{replica}')"
            + " PARTITION BY toYYYYMM(d) ORDER BY id");
    for (String p : List.of("202401", "202402", "202403")) {
      q("ALTER TABLE db.renaming__chplane_replicated ATTACH PARTITION " + p + " FROM db.renaming");
    }
    q("RENAME TABLE db.renaming TO db.renaming__chplane_plain");

    // crashed after the renames, before dropping the original
    partitioned("dropping");
    q(
        "CREATE TABLE db.dropping__chplane_replicated (d Date, id UInt64, s String) ENGINE ="
            + " ReplicatedMergeTree('/clickhouse/tables/{shard}/db/dropping', '{replica}')"
            + " PARTITION BY toYYYYMM(d) ORDER BY id");
    for (String p : List.of("202401", "202402", "202403")) {
      q("ALTER TABLE db.dropping__chplane_replicated ATTACH PARTITION " + p + " FROM db.dropping");
    }
    q(
        "RENAME TABLE db.dropping TO db.dropping__chplane_plain,"
            + " db.dropping__chplane_replicated TO db.dropping");

    assertThat(new ReplicatedTables().nonReplicatedWithRows(server))
        .extracting(ReplicatedTables.Table::displayName)
        .contains("db.fresh", "db.half", "db.old_syntax", "db.renaming__chplane_plain")
        .doesNotContain("db.empty");
    assertThat(conversion.blockers(server)).isEmpty();

    TableConversion.Result result = conversion.prepareScaleUp(server);

    assertThat(result.converted())
        .containsExactlyInAnyOrder(
            "db.fresh", "db.old_syntax", "db.empty", "db.half", "db.renaming", "db.dropping");
    assertThat(result.keptOriginals()).isEmpty();
    assertThat(tableNames())
        .containsExactlyInAnyOrder("fresh", "old_syntax", "empty", "half", "renaming", "dropping");
    for (String t : List.of("fresh", "empty", "half", "renaming", "dropping")) {
      assertThat(engine(t)).as(t).isEqualTo("ReplicatedMergeTree");
    }
    assertThat(engine("old_syntax")).isEqualTo("ReplicatedReplacingMergeTree");
    for (String t : List.of("db.fresh", "db.half", "db.renaming", "db.dropping")) {
      assertThat(count(server, t)).as(t).isEqualTo(3000);
      assertThat(q("SELECT uniqExact(id) FROM " + t)).as(t).isEqualTo("3000");
      assertThat(
              q("SELECT count() FROM system.parts WHERE active AND database = 'db' AND table = '"
                      + t.substring(3)
                      + "' GROUP BY partition_id FORMAT TSV")
                  .split("\n"))
          .as(t + " partitions")
          .hasSize(3);
    }
    assertThat(q("SELECT count() FROM db.old_syntax FINAL")).isEqualTo("100");
    assertThat(q("SELECT zookeeper_path FROM system.replicas WHERE table = 'half'"))
        .isEqualTo("/clickhouse/tables/1/db/half");
    assertThat(new ReplicatedTables().nonReplicatedWithRows(server)).isEmpty();

    // a second run finds nothing to do
    assertThat(conversion.convertAll(server).converted()).isEmpty();

    // the converted tables replicate: a second replica gets their rows
    start(2);
    ServiceAccess second = provisioner.replicaAccess(id, 1);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(count(second, "db.fresh")).isEqualTo(3000);
              assertThat(count(second, "db.half")).isEqualTo(3000);
            });
    q("INSERT INTO db.fresh VALUES ('2024-01-02', 99999, 'new')");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(count(second, "db.fresh")).isEqualTo(3001));
  }

  @Test
  void aLogTableWithRowsBlocksTheScaleUpAndAnEmptyOneDoesNot() throws Exception {
    q("CREATE DATABASE db");
    q("CREATE TABLE db.events (id UInt64) ENGINE = Log");
    q("CREATE TABLE db.scratch (id UInt64) ENGINE = TinyLog");
    q("CREATE VIEW db.v AS SELECT 1");
    partitioned("m");
    assertThat(conversion.blockers(server)).isEmpty();

    q("INSERT INTO db.events SELECT number FROM numbers(7)");
    q("CREATE TABLE db.s (id UInt64) ENGINE = Set");

    assertThatThrownBy(() -> conversion.prepareScaleUp(server))
        .isInstanceOf(ProvisionException.class)
        .hasMessageContaining("db.events (Log): holds 7 rows");
    assertThat(engine("m")).as("nothing converted").isEqualTo("MergeTree");
    assertThat(conversion.blockers(server))
        .extracting(TableConversion.Blocker::toString)
        .containsExactlyInAnyOrder(
            "db.events (Log): holds 7 rows on one server only; move them to a MergeTree-family"
                + " table or drop it",
            "db.s (Set): keeps its data on one server only and cannot be read to check that it"
                + " is empty; drop it");
  }
}
