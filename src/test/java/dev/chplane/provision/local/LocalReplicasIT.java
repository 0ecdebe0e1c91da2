package dev.chplane.provision.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.QueryLimits;
import dev.chplane.provision.ReplicaPhase;
import dev.chplane.provision.ReplicaStatus;
import dev.chplane.provision.ServiceDeployment;
import dev.chplane.security.CertificateAuthority;
import dev.chplane.security.Hashes;
import dev.chplane.security.InstallationKey;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replicated servers of one service with a real ZooKeeper: replication, a kill, scaling. */
class LocalReplicasIT {
  private static final Duration START = Duration.ofSeconds(90);
  private static final String TABLE =
      "CREATE TABLE t ON CLUSTER default (id UInt64) ENGINE ="
          + " ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')"
          + " ORDER BY id";

  @TempDir Path dir;

  private final MemoryPortRecords records = new MemoryPortRecords();
  private final PortAllocator ports =
      new PortAllocator(InetAddress.getLoopbackAddress(), records::taken);
  private final List<UUID> services = new ArrayList<>();
  private ServerExitWatch exits;
  private ManagedZooKeeper zookeeper;
  private LocalProcessProvisioner provisioner;
  private ClickHouseHttp http;
  private InstallationKey key;

  @BeforeEach
  void start() throws Exception {
    Path zkDir = dir.resolve("zookeeper");
    zookeeper =
        new ManagedZooKeeper(
            zkDir,
            1,
            new PortAllocator(
                InetAddress.getLoopbackAddress(), () -> ManagedZooKeeper.recordedPorts(zkDir)));
    zookeeper.ensureServing(START);
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("tls"), "localhost");
    exits = new ServerExitWatch(Duration.ofMillis(100));
    http = new ClickHouseHttp(ca.clientContext());
    key = InstallationKey.loadOrCreate(dir.resolve("installation.key"));
    provisioner =
        new LocalProcessProvisioner(
            dir.resolve("services"),
            ClickHouseBinary.locate(null),
            http,
            key,
            "127.0.0.1",
            ca.serverCertificate(),
            ca.serverKey(),
            QueryLimits.DEFAULTS,
            exits,
            records,
            ports,
            zookeeper);
  }

  @AfterEach
  void stop() {
    for (UUID id : services) {
      provisioner.stop(id, Duration.ofSeconds(10));
    }
    exits.close();
    zookeeper.close();
    zookeeper.stopNodes(Duration.ofSeconds(10));
  }

  private UUID service() {
    UUID id = UUID.randomUUID();
    records.add(id, ports.allocateEndpoints());
    services.add(id);
    return id;
  }

  /** Small servers: 3 replicas of 2 services must fit on a CI machine. */
  private static ServiceDeployment deployment(UUID id, int replicas) {
    return new ServiceDeployment(
        id,
        replicas,
        Hashes.sha256Hex("secret"),
        Hashes.doubleSha1Hex("secret"),
        List.of("127.0.0.1"),
        512L << 20);
  }

  private void run(ServiceDeployment d) throws ProvisionException {
    provisioner.configure(d);
    provisioner.start(d, START);
    // the cluster of the replicas that ran already changed
    provisioner.reload(d);
  }

  private long count(UUID id, int replica, String table) throws ProvisionException {
    return Long.parseLong(
        provisioner.replicaAccess(id, replica).query("SELECT count() FROM " + table).strip());
  }

  private List<ReplicaPhase> phases(UUID id) {
    return provisioner.replicas(id).stream().map(ReplicaStatus::phase).toList();
  }

  private void kill(UUID id, int replica) {
    Path config = provisioner.replicaDirForTest(id, replica).resolve("config.xml");
    String marker = "--config-file=" + config;
    ProcessHandle.allProcesses()
        .filter(p -> commandLine(p).contains(marker + " ") || commandLine(p).endsWith(marker))
        .forEach(ProcessHandle::destroyForcibly);
  }

  private static String commandLine(ProcessHandle p) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"))
          .replace('\0', ' ')
          .strip();
    } catch (Exception e) {
      return "";
    }
  }

  @Test
  void threeReplicasReplicateAndOneKilledComesBackAndCatchesUp() throws Exception {
    UUID id = service();
    ServiceDeployment three = deployment(id, 3);
    run(three);

    List<ReplicaStatus> replicas = provisioner.replicas(id);
    assertThat(replicas).extracting(ReplicaStatus::index).containsExactly(0, 1, 2);
    assertThat(phases(id)).containsOnly(ReplicaPhase.READY);
    Set<Integer> distinct = new HashSet<>();
    replicas.forEach(
        r -> {
          distinct.add(r.address().httpsPort());
          distinct.add(r.address().nativeSecurePort());
        });
    assertThat(distinct).hasSize(6);
    assertThat(records.taken()).hasSize(2 + 3 * 4);
    assertThat(provisioner.replicaDirForTest(id, 1)).isDirectory();
    assertThat(provisioner.replicaDirForTest(id, 2)).isDirectory();

    provisioner.access(id).query(TABLE);
    provisioner.access(id).query("INSERT INTO t SELECT number FROM numbers(100)");
    for (int i = 0; i < 3; i++) {
      int replica = i;
      await().atMost(Duration.ofSeconds(30)).until(() -> count(id, replica, "t") == 100);
    }

    kill(id, 1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> provisioner.replicas(id).get(1).phase() == ReplicaPhase.FAILED);
    assertThat(provisioner.replicas(id).get(1).reason()).contains("exited");
    assertThat(provisioner.isRunning(id)).isTrue();
    for (int i = 0; i < 6; i++) {
      assertThat(provisioner.access(id).query("SELECT count() FROM t").strip()).isEqualTo("100");
    }
    provisioner.access(id).query("INSERT INTO t SELECT number + 100 FROM numbers(50)");
    // a replica that cannot be reached passes the call on; a server's error answer is the result
    int dead = replicas.get(1).address().httpsPort();
    int live = replicas.get(2).address().httpsPort();
    LocalServiceAccess failover = new LocalServiceAccess(http, id, () -> List.of(dead, live), key);
    assertThat(failover.query("SELECT 1").strip()).isEqualTo("1");
    assertThatThrownBy(() -> failover.query("SELECT nonsense FROM nowhere"))
        .isInstanceOf(ProvisionException.class)
        .isNotInstanceOf(ServerUnreachableException.class)
        .hasMessageContaining("nowhere");
    assertThatThrownBy(
            () -> new LocalServiceAccess(http, id, () -> List.of(dead), key).query("SELECT 1"))
        .isInstanceOf(ServerUnreachableException.class);

    provisioner.start(three, START);

    assertThat(phases(id)).containsOnly(ReplicaPhase.READY);
    await().atMost(Duration.ofSeconds(60)).until(() -> count(id, 1, "t") == 150);
  }

  @Test
  void scalingDownRemovesTheReplicaFromZooKeeperAndItsFiles() throws Exception {
    UUID id = service();
    run(deployment(id, 3));
    provisioner.access(id).query(TABLE);
    provisioner.access(id).query("INSERT INTO t SELECT number FROM numbers(10)");
    Path third = provisioner.replicaDirForTest(id, 2);
    int thirdPort = provisioner.replicas(id).get(2).address().httpsPort();
    // chplane died during an earlier removal of replica 2, after it renamed the directory
    kill(id, 2);
    await().atMost(Duration.ofSeconds(10)).until(() -> !provisioner.isRunningForTest(id, 2));
    Files.move(third, third.resolveSibling("removing-replica-2"));

    run(deployment(id, 2));

    assertThat(provisioner.replicas(id)).extracting(ReplicaStatus::index).containsExactly(0, 1);
    assertThat(third).doesNotExist();
    assertThat(third.resolveSibling("removing-replica-2")).doesNotExist();
    assertThat(records.replicas(id).orElseThrow()).doesNotContainKey(2);
    assertThat(records.taken()).doesNotContain(thirdPort);
    assertThat(
            provisioner
                .replicaAccess(id, 0)
                .query("SELECT total_replicas FROM system.replicas WHERE table = 't'")
                .strip())
        .isEqualTo("2");
    provisioner.access(id).query("INSERT INTO t SELECT number FROM numbers(10, 10)");
    await().atMost(Duration.ofSeconds(30)).until(() -> count(id, 1, "t") == 20);
  }

  @Test
  void aNewReplicaGetsTheReplicatedTablesWithTheirRowsBeforeItIsReady() throws Exception {
    UUID id = service();
    run(deployment(id, 1));
    provisioner.access(id).query("CREATE DATABASE shop");
    provisioner
        .access(id)
        .query(
            "CREATE TABLE shop.orders (id UInt64) ENGINE = ReplicatedMergeTree("
                + "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}') ORDER BY id");
    provisioner.access(id).query("INSERT INTO shop.orders SELECT number FROM numbers(1000)");
    provisioner.access(id).query("INSERT INTO shop.orders SELECT number FROM numbers(1000, 500)");
    provisioner.access(id).query("CREATE TABLE plain (id UInt64) ENGINE = MergeTree ORDER BY id");
    provisioner.access(id).query("INSERT INTO plain VALUES (1)");

    run(deployment(id, 2));

    assertThat(phases(id)).containsExactly(ReplicaPhase.READY, ReplicaPhase.READY);
    assertThat(count(id, 1, "shop.orders")).isEqualTo(1500);
    assertThatThrownBy(() -> count(id, 1, "plain"))
        .isInstanceOf(ProvisionException.class)
        .hasMessageContaining("plain");
    assertThat(
            provisioner
                .replicaAccess(id, 1)
                .query("SELECT total_replicas FROM system.replicas WHERE table = 'orders'")
                .strip())
        .isEqualTo("2");

    // replica 1 holds no unreplicated data, replica 0 keeps its own: 2 -> 1 deletes replica 1
    run(deployment(id, 1));
    assertThat(provisioner.replicaDirForTest(id, 1)).doesNotExist();
    assertThat(count(id, 0, "plain")).isEqualTo(1);
  }
}
