package dev.chplane.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Provisioner} does, as the reconciler relies on it: each verb is idempotent, a
 * stop keeps the files, a remove leaves nothing, a server that exited by itself is not running and
 * starts again with its files. A subclass per implementation runs it: the fake in the unit tier
 * ({@code FakeProvisionerContractTest}), the local provisioner with clickhouse-server in the
 * integration tier ({@code LocalProcessProvisionerContractIT}).
 */
public abstract class ProvisionerContract {
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  static final Duration GRACE = Duration.ofSeconds(30);

  @TempDir Path scratch;
  private final List<UUID> made = new ArrayList<>();

  protected abstract Provisioner provisioner();

  /** A deployment of a new service {@code id} whose {@code default} user has {@code password}. */
  protected abstract ServiceDeployment deployment(UUID id, String password);

  /** Ends the service's server as a crash would (kill -9), behind the provisioner's back. */
  protected abstract void kill(UUID id) throws Exception;

  private ServiceDeployment newService() {
    UUID id = UUID.randomUUID();
    made.add(id);
    return deployment(id, "secret-" + id);
  }

  private ServiceDeployment running() throws ProvisionException {
    ServiceDeployment d = newService();
    provisioner().configure(d);
    provisioner().start(d, START_TIMEOUT);
    return d;
  }

  @AfterEach
  void removeWhatWasMade() throws ProvisionException {
    for (UUID id : made) {
      provisioner().remove(id);
    }
  }

  @Test
  void configureWritesFilesOnceAndSaysWhetherTheyChanged() throws Exception {
    ServiceDeployment d = newService();
    assertThat(provisioner().hasFiles(d.serviceId())).isFalse();

    assertThat(provisioner().configure(d)).isTrue();
    assertThat(provisioner().configure(d)).as("the same deployment again").isFalse();
    assertThat(provisioner().configure(deployment(d.serviceId(), "another")))
        .as("another password")
        .isTrue();

    assertThat(provisioner().hasFiles(d.serviceId())).isTrue();
    assertThat(provisioner().present()).contains(d.serviceId());
    assertThat(provisioner().isRunning(d.serviceId())).as("configure starts nothing").isFalse();
  }

  @Test
  void startRunsAServerThatAnswersAndStartingAgainKeepsIt() throws Exception {
    ServiceDeployment d = newService();
    provisioner().configure(d);

    String version = provisioner().start(d, START_TIMEOUT);

    assertThat(version).isNotBlank();
    assertThat(provisioner().isRunning(d.serviceId())).isTrue();
    assertThat(provisioner().answers(d.serviceId(), Duration.ofSeconds(10))).isTrue();
    assertThat(provisioner().start(d, START_TIMEOUT))
        .as("a second start adopts the running server")
        .isEqualTo(version);
    assertThat(provisioner().isRunning(d.serviceId())).isTrue();
  }

  @Test
  void aRunningServiceReportsOneReadyReplicaWithAnAddressAndAStoppedOneNone() throws Exception {
    ServiceDeployment d = running();

    List<ReplicaStatus> replicas = provisioner().replicas(d.serviceId());
    assertThat(replicas).hasSize(d.replicas());
    assertThat(replicas.get(0).phase()).isEqualTo(ReplicaPhase.READY);
    assertThat(replicas.get(0).address().httpsPort()).isPositive();
    assertThat(replicas.get(0).address().nativeSecurePort()).isPositive();

    provisioner().stop(d.serviceId(), GRACE);
    assertThat(provisioner().replicas(d.serviceId()))
        .extracting(ReplicaStatus::phase)
        .doesNotContain(ReplicaPhase.READY);
  }

  @Test
  void reloadAppliesANewConfigurationToTheRunningServer() throws Exception {
    ServiceDeployment d = running();
    ServiceDeployment changed = deployment(d.serviceId(), "changed");
    provisioner().configure(changed);

    provisioner().reload(changed);

    assertThat(provisioner().answers(changed.serviceId(), Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void stopEndsTheServerKeepsTheFilesAndIsIdempotent() throws Exception {
    ServiceDeployment d = running();

    provisioner().stop(d.serviceId(), GRACE);
    provisioner().stop(d.serviceId(), GRACE);

    assertThat(provisioner().isRunning(d.serviceId())).isFalse();
    assertThat(provisioner().answers(d.serviceId(), Duration.ofSeconds(2))).isFalse();
    assertThat(provisioner().hasFiles(d.serviceId())).isTrue();
    assertThat(provisioner().start(d, START_TIMEOUT))
        .as("it starts again from its files")
        .isNotBlank();
  }

  @Test
  void aServerThatExitedByItselfIsNotRunningAndStartsAgain() throws Exception {
    ServiceDeployment d = running();

    kill(d.serviceId());

    await().atMost(Duration.ofSeconds(10)).until(() -> !provisioner().isRunning(d.serviceId()));
    assertThat(provisioner().start(d, START_TIMEOUT)).isNotBlank();
    assertThat(provisioner().isRunning(d.serviceId())).isTrue();
  }

  @Test
  void removeLeavesNothingAndIsIdempotent() throws Exception {
    ServiceDeployment d = running();

    provisioner().remove(d.serviceId());
    provisioner().remove(d.serviceId());

    assertThat(provisioner().isRunning(d.serviceId())).isFalse();
    assertThat(provisioner().hasFiles(d.serviceId())).isFalse();
    assertThat(provisioner().present()).doesNotContain(d.serviceId());
  }

  @Test
  void quarantineStopsTheServerAndTakesTheFilesAway() throws Exception {
    ServiceDeployment d = running();

    Path moved = provisioner().quarantine(d.serviceId(), scratch.resolve("quarantine"), GRACE);

    assertThat(moved.startsWith(scratch.resolve("quarantine")))
        .as("%s is in quarantine", moved)
        .isTrue();
    assertThat(provisioner().isRunning(d.serviceId())).isFalse();
    assertThat(provisioner().hasFiles(d.serviceId())).isFalse();
    assertThat(provisioner().present()).doesNotContain(d.serviceId());
  }

  @Test
  void aServiceWithoutConfigurationDoesNotStart() {
    ServiceDeployment d = newService();

    assertThatThrownBy(() -> provisioner().start(d, Duration.ofSeconds(5)))
        .isInstanceOf(ProvisionException.class);
    assertThat(provisioner().isRunning(d.serviceId())).isFalse();
  }
}
