package dev.chplane.provision.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chplane.domain.ServicePorts;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.QueryLimits;
import dev.chplane.provision.ReplicaAddress;
import dev.chplane.provision.ReplicaPhase;
import dev.chplane.provision.ReplicaStatus;
import dev.chplane.provision.ServerVersion;
import dev.chplane.provision.ServiceDeployment;
import dev.chplane.security.InstallationKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local provisioner's ports and addresses, without starting a server. */
class LocalProcessProvisionerPortsTest {
  @TempDir Path dir;

  private final MemoryPortRecords records = new MemoryPortRecords();
  private final AtomicInteger nextPort = new AtomicInteger(31000);
  private final PortAllocator ports = new PortAllocator(nextPort::getAndIncrement, records::taken);
  private ServerExitWatch exits;
  private LocalProcessProvisioner provisioner;

  @BeforeEach
  void provisioner() throws Exception {
    exits = new ServerExitWatch(Duration.ofMillis(100));
    provisioner =
        new LocalProcessProvisioner(
            dir.resolve("services"),
            new ClickHouseBinary(
                dir.resolve("no-clickhouse-server"), ServerVersion.parse("24.8.4.13")),
            new ClickHouseHttp(SSLContext.getDefault()),
            InstallationKey.loadOrCreate(dir.resolve("installation.key")),
            "127.0.0.1",
            dir.resolve("server.pem"),
            dir.resolve("server.key"),
            QueryLimits.DEFAULTS,
            exits,
            records,
            ports,
            new NoCoordination());
  }

  @AfterEach
  void close() {
    exits.close();
  }

  private static ServiceDeployment deployment(UUID id) {
    return new ServiceDeployment(id, 1, "ab".repeat(32), null, List.of("127.0.0.1"), 1L << 30);
  }

  @Test
  void aServiceWithoutInternalPortsGetsThemOnceAndKeepsItsPublicPorts() throws Exception {
    UUID id = UUID.randomUUID();
    records.add(id, new ServicePorts(18443, 19440));

    provisioner.configure(deployment(id));
    provisioner.configure(deployment(id));

    assertThat(records.find(id)).contains(new ReplicaPorts(31000, 31001, 31002, 31003));
    String config =
        Files.readString(dir.resolve("services").resolve(id.toString()).resolve("config.xml"));
    assertThat(config)
        .contains("<https_port>31000</https_port>")
        .contains("<tcp_port_secure>31001</tcp_port_secure>");
    assertThat(nextPort.get()).as("no second allocation").isEqualTo(31004);
  }

  @Test
  void recordedInternalPortsAreKept() throws Exception {
    UUID id = UUID.randomUUID();
    records.add(id, new ServicePorts(18443, 19440));
    records.record(id, 0, new ReplicaPorts(28443, 29440, 29000, 29009));

    provisioner.configure(deployment(id));

    assertThat(records.find(id)).contains(new ReplicaPorts(28443, 29440, 29000, 29009));
    assertThat(provisioner.replicas(id))
        .containsExactly(
            new ReplicaStatus(
                0, new ReplicaAddress("127.0.0.1", 28443, 29440), ReplicaPhase.STOPPED, null));
    assertThat(nextPort.get()).as("nothing allocated").isEqualTo(31000);
  }

  @Test
  void internalPortsAvoidEveryRecordedPort() throws Exception {
    UUID other = UUID.randomUUID();
    records.add(other, new ServicePorts(31000, 31001), new ReplicaPorts(31002, 31003));
    UUID id = UUID.randomUUID();
    records.add(id, new ServicePorts(31004, 31005));

    List<ReplicaStatus> replicas = provisioner.replicas(id);

    assertThat(replicas)
        .singleElement()
        .extracting(ReplicaStatus::address)
        .isEqualTo(new ReplicaAddress("127.0.0.1", 31006, 31007));
  }

  @Test
  void aServerMadeBeforeReplicasKeepsItsPortsAndGetsTheOthers() throws Exception {
    UUID id = UUID.randomUUID();
    records.add(id, new ServicePorts(18443, 19440), new ReplicaPorts(28443, 29440));

    provisioner.configure(deployment(id));

    assertThat(records.find(id)).contains(new ReplicaPorts(28443, 29440, 31000, 31001));
  }

  @Test
  void eachReplicaHasItsOwnPortsAndDirectory() throws Exception {
    UUID id = UUID.randomUUID();
    records.add(id, new ServicePorts(18443, 19440));
    ServiceDeployment three =
        new ServiceDeployment(id, 3, "ab".repeat(32), null, List.of("127.0.0.1"), 1L << 30);

    provisioner.configure(three);

    Path service = dir.resolve("services").resolve(id.toString());
    assertThat(service.resolve("config.xml")).exists();
    assertThat(service.resolve("replica-1/config.xml")).exists();
    assertThat(service.resolve("replica-2/config.xml")).exists();
    assertThat(records.replicas(id).orElseThrow()).hasSize(3);
    assertThat(records.taken()).hasSize(2 + 3 * 4);
    assertThat(provisioner.replicas(id))
        .extracting(ReplicaStatus::index, ReplicaStatus::phase)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, ReplicaPhase.STOPPED),
            org.assertj.core.groups.Tuple.tuple(1, ReplicaPhase.STOPPED),
            org.assertj.core.groups.Tuple.tuple(2, ReplicaPhase.STOPPED));
    String config = Files.readString(service.resolve("replica-2/config.xml"));
    assertThat(config)
        .contains("<replica>" + id + "-2</replica>")
        .contains("<path>" + service.resolve("replica-2") + "/data/</path>");
  }

  @Test
  void anUnknownServiceHasNoReplicasAndNoAnswer() {
    UUID unknown = UUID.randomUUID();
    assertThat(provisioner.replicas(unknown)).isEmpty();
    assertThat(provisioner.answers(unknown, Duration.ofSeconds(1))).isFalse();
    assertThatThrownBy(() -> provisioner.access(unknown).query("SELECT 1"))
        .isInstanceOf(ProvisionException.class)
        .hasMessageContaining("unknown");
  }
}
