package dev.chplane.provision.local;

import dev.chplane.provision.Provisioner;
import dev.chplane.provision.ProvisionerContract;
import dev.chplane.provision.QueryLimits;
import dev.chplane.provision.ServiceDeployment;
import dev.chplane.security.CertificateAuthority;
import dev.chplane.security.Hashes;
import dev.chplane.security.InstallationKey;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provisioner contract, held by the local provisioner with real clickhouse-server processes.
 */
class LocalProcessProvisionerContractIT extends ProvisionerContract {
  @TempDir Path dir;
  private ServerExitWatch exits;
  private LocalProcessProvisioner provisioner;
  private final MemoryPortRecords records = new MemoryPortRecords();
  private final PortAllocator ports =
      new PortAllocator(InetAddress.getLoopbackAddress(), records::taken);

  @BeforeEach
  void makeProvisioner() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("tls"), "localhost");
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
            new NoCoordination());
  }

  @AfterEach
  void closeWatch() {
    exits.close();
  }

  @Override
  protected Provisioner provisioner() {
    return provisioner;
  }

  @Override
  protected ServiceDeployment deployment(UUID id, String password) {
    if (records.find(id).isEmpty()) {
      records.add(id, ports.allocateEndpoints());
    }
    return new ServiceDeployment(
        id,
        1,
        Hashes.sha256Hex(password),
        Hashes.doubleSha1Hex(password),
        List.of("127.0.0.1"),
        1L << 30);
  }

  @Override
  protected void kill(UUID id) throws Exception {
    String marker =
        "--config-file=" + dir.resolve("services").resolve(id.toString()).resolve("config.xml");
    ProcessHandle.allProcesses()
        .filter(p -> commandLine(p).contains(marker))
        .forEach(ProcessHandle::destroyForcibly);
  }

  private static String commandLine(ProcessHandle p) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"))
          .replace('\0', ' ');
    } catch (Exception e) {
      return "";
    }
  }
}
