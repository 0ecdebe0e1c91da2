package dev.chplane.provision.local;

import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.QueryLimits;
import dev.chplane.provision.ServiceConnector;
import dev.chplane.provision.ServiceDeployment;
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
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * For tests outside this package: chplane's own one-node ZooKeeper and the local provisioner
 * running real, replicated 18.16 servers for services; closing removes every service and stops
 * ZooKeeper.
 */
public final class ReplicatedServers implements AutoCloseable {
  private static final Duration START = Duration.ofSeconds(90);

  private final ManagedZooKeeper zookeeper;
  private final ServerExitWatch exits = new ServerExitWatch(Duration.ofMillis(100));
  private final MemoryPortRecords records = new MemoryPortRecords();
  private final PortAllocator ports;
  private final LocalProcessProvisioner provisioner;
  private final List<UUID> services = new CopyOnWriteArrayList<>();

  public ReplicatedServers(Path dir) throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("tls"), "localhost");
    Path zkDir = dir.resolve("zookeeper");
    ports =
        new PortAllocator(
            InetAddress.getLoopbackAddress(),
            () -> {
              Set<Integer> taken = new HashSet<>(records.taken());
              taken.addAll(ManagedZooKeeper.recordedPorts(zkDir));
              return taken;
            });
    zookeeper = new ManagedZooKeeper(zkDir, 1, ports);
    zookeeper.ensureServing(START);
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
  }

  /** How tests reach the services' servers. */
  public ServiceConnector connector() {
    return provisioner;
  }

  /** Configures and starts {@code replicas} replicas of service {@code id}; returns the version. */
  public String start(UUID id, int replicas) throws ProvisionException {
    if (!services.contains(id)) {
      records.add(id, ports.allocateEndpoints());
      services.add(id);
    }
    ServiceDeployment d =
        new ServiceDeployment(
            id,
            replicas,
            Hashes.sha256Hex("secret"),
            Hashes.doubleSha1Hex("secret"),
            List.of("127.0.0.1"),
            1L << 30);
    provisioner.configure(d);
    return provisioner.start(d, START);
  }

  @Override
  public void close() throws Exception {
    try {
      for (UUID id : services) {
        provisioner.remove(id);
      }
    } finally {
      exits.close();
      zookeeper.close();
      zookeeper.stopNodes(Duration.ofSeconds(10));
    }
  }
}
