package dev.chplane.provision.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.QueryLimits;
import dev.chplane.provision.ReplicaPhase;
import dev.chplane.provision.ServiceDeployment;
import dev.chplane.security.CertificateAuthority;
import dev.chplane.security.Hashes;
import dev.chplane.security.InstallationKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provisioner with a real clickhouse-server, as chplane runs it. */
class LocalProcessProvisionerIT {
  @TempDir Path dir;

  @Test
  void startReplacesAServerThatExitsInsteadOfAnswering() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("tls"), "localhost");
    Path services = dir.resolve("services");
    ClickHouseBinary binary = ClickHouseBinary.locate(null);
    ServerExitWatch exits = new ServerExitWatch(Duration.ofMillis(100));
    List<UUID> exited = new java.util.concurrent.CopyOnWriteArrayList<>();
    exits.onExit(exited::add);
    MemoryPortRecords records = new MemoryPortRecords();
    PortAllocator ports = new PortAllocator(InetAddress.getLoopbackAddress(), records::taken);
    LocalProcessProvisioner provisioner =
        new LocalProcessProvisioner(
            services,
            binary,
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
    UUID id = UUID.randomUUID();
    records.add(id, ports.allocateEndpoints());
    ServiceDeployment deployment =
        new ServiceDeployment(
            id,
            1,
            Hashes.sha256Hex("secret"),
            Hashes.doubleSha1Hex("secret"),
            List.of("127.0.0.1"),
            1L << 30);
    provisioner.configure(deployment);
    int internalHttps = records.find(id).orElseThrow().https();
    assertThat(internalHttps).as("configure assigned the server its own port").isNotZero();
    // stands for a server that was stopping when chplane died: a process of the service (by its
    // command line) that never answers and exits when this test closes its stdin
    Process stopping =
        new ProcessBuilder(
                "sh",
                "-c",
                "read line; exit 0",
                "--config-file="
                    + services.resolve(id.toString()).resolve("config.xml").toAbsolutePath())
            .start();
    try (ServerSocket port = new ServerSocket(internalHttps, 1, InetAddress.getLoopbackAddress())) {
      assertThat(provisioner.isRunning(id)).isTrue();
      CompletableFuture<Socket> probe =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return port.accept();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      CompletableFuture<String> started =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return provisioner.start(deployment, Duration.ofSeconds(60));
                } catch (ProvisionException e) {
                  throw new IllegalStateException(e);
                }
              });
      // the provisioner asks the server it found for an answer; only then does that server go away
      await().atMost(Duration.ofSeconds(30)).until(probe::isDone);
      probe.get().close();
      port.close();
      stopping.getOutputStream().close();

      String version = started.get(90, TimeUnit.SECONDS);

      assertThat(version).isEqualTo(binary.version().text());
      assertThat(stopping.isAlive()).as("start waited for the old process to exit").isFalse();
      assertThat(provisioner.isRunning(id)).isTrue();
      assertThat(provisioner.replicas(id))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.phase()).isEqualTo(ReplicaPhase.READY);
                assertThat(r.address().httpsPort()).isEqualTo(internalHttps);
              });
      assertThat(provisioner.access(id).query("SELECT 1").strip()).isEqualTo("1");
      assertThat(exited)
          .as("the exit of the process found running was noticed")
          .containsExactly(id);
    } finally {
      stopping.destroyForcibly();
      provisioner.remove(id);
      exits.close();
    }
  }
}
