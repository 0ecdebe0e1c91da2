package dev.chplane.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chplane.domain.BackupConfiguration;
import dev.chplane.domain.Credentials;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.IpAccessEntry;
import dev.chplane.domain.Organization;
import dev.chplane.domain.Scaling;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServicePorts;
import dev.chplane.domain.ServiceSpec;
import dev.chplane.domain.ServiceState;
import dev.chplane.store.EmbeddedStore;
import dev.chplane.store.MetadataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which states of a data directory and its store let chplane start, on a real embedded store. */
class InstallationCheckTest {
  private static final InstallationCheck.Options DEFAULT =
      new InstallationCheck.Options(false, false);

  @TempDir Path dataDir;
  private MetadataStore store;
  private Organization org;
  private int port = 20000;

  @BeforeEach
  void open() throws Exception {
    store = EmbeddedStore.open(dataDir.resolve("meta"));
    org = new Organization(UUID.randomUUID(), "acme", Instant.now(), true);
    store.insertOrganization(org);
    for (String file : List.of("tls/ca.pem", "tls/ca.key", "secrets/installation.key")) {
      Files.createDirectories(dataDir.resolve(file).getParent());
      Files.writeString(dataDir.resolve(file), "x");
    }
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Service service(ServiceState state, DesiredState desired, String clickhouseVersion) {
    ServiceSpec spec =
        new ServiceSpec(
            "svc-" + port,
            "aws",
            "eu-west-1",
            "production",
            List.of(new IpAccessEntry("127.0.0.1", "")),
            new Scaling("vertical", 8, 16, null, 1, 3, null, null, false, 30),
            "fast",
            false,
            null,
            true,
            List.of(),
            Boolean.FALSE,
            new BackupConfiguration(24, 24, null));
    port += 2;
    Service s =
        new Service(
            UUID.randomUUID(),
            org.id(),
            Instant.now(),
            spec,
            state,
            desired,
            null,
            clickhouseVersion,
            new Credentials("aa".repeat(32), "bb".repeat(20)),
            new ServicePorts(port, port + 1),
            0);
    store.insertService(s);
    return s;
  }

  private InstallationCheck.Findings check(Set<UUID> dirs, InstallationCheck.Options options) {
    return InstallationCheck.check(dataDir, store, "the store", dirs, options);
  }

  @Test
  void servicesWithoutFilesYetOrAnyMoreAndStoppedOnesWithFilesStart() {
    service(ServiceState.PROVISIONING, DesiredState.RUNNING, null);
    service(ServiceState.TERMINATING, DesiredState.DELETED, "18.16.1");
    Service stopped = service(ServiceState.STOPPED, DesiredState.STOPPED, "18.16.1");
    service(ServiceState.FAILED, DesiredState.RUNNING, null);

    InstallationCheck.Findings findings = check(Set.of(stopped.id()), DEFAULT);

    assertThat(findings.unknown()).isEmpty();
    assertThat(findings.missing()).isEmpty();
  }

  @Test
  void aServiceThatHasRunWithoutItsDirectoryIsRefusedUnlessAccepted() {
    Service idle = service(ServiceState.IDLE, DesiredState.RUNNING, "18.16.1");

    assertThatThrownBy(() -> check(Set.of(), DEFAULT))
        .isInstanceOf(StartRefused.class)
        .hasMessageContaining("whose files are missing")
        .hasMessageContaining(idle.id().toString())
        .hasMessageContaining("--accept-missing-service-files");
    assertThat(check(Set.of(), new InstallationCheck.Options(false, true)).missing())
        .containsExactly(idle.id());
  }

  @Test
  void anEmptyStoreOverServiceDirectoriesIsRefusedUnlessQuarantineIsAsked() {
    UUID stranger = UUID.randomUUID();

    assertThatThrownBy(() -> check(Set.of(stranger), DEFAULT))
        .isInstanceOf(StartRefused.class)
        .hasMessageContaining("has no services")
        .hasMessageContaining(stranger.toString())
        .hasMessageContaining("--quarantine-unknown-services");
    assertThat(check(Set.of(stranger), new InstallationCheck.Options(true, false)).unknown())
        .containsExactly(stranger);
  }

  @Test
  void unknownDirectoriesBesideKnownServicesAreReportedNotRefused() {
    Service running = service(ServiceState.RUNNING, DesiredState.RUNNING, "18.16.1");
    UUID stranger = UUID.randomUUID();

    assertThat(check(Set.of(running.id(), stranger), DEFAULT).unknown()).containsExactly(stranger);
  }

  @Test
  void aStoreWithServicesNeedsTheCaAndTheInstallationKeyEvenBeforeAnyServiceRan() throws Exception {
    service(ServiceState.PROVISIONING, DesiredState.RUNNING, null);
    Files.delete(dataDir.resolve("secrets/installation.key"));

    assertThatThrownBy(() -> check(Set.of(), new InstallationCheck.Options(true, true)))
        .isInstanceOf(StartRefused.class)
        .hasMessageContaining("secrets/installation.key")
        .hasMessageContaining("--data-dir");
  }

  @Test
  void aStoreWithoutServicesMayStartOnAFreshDirectory() throws Exception {
    service(ServiceState.TERMINATING, DesiredState.DELETED, "18.16.1");
    Files.delete(dataDir.resolve("tls/ca.pem"));

    assertThat(check(Set.of(), DEFAULT).missing()).isEmpty();
  }
}
