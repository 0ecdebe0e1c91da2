package dev.chplane.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.chplane.provision.FakeProvisioner;
import dev.chplane.provision.ReplicaPhase;
import dev.chplane.store.EmbeddedStore;
import dev.chplane.store.MetadataStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReadinessCheck} one check at a time on the fake provisioner (no timer): degraded after
 * {@link ReadinessCheck#FAILURES_TO_DEGRADE} misses, back to the state derived from the replicas on
 * an answer, and a reconcile pass asked for on each change of readiness.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadinessCheckTest {
  private static final Instant T0 = Instant.parse("2026-12-02T12:00:00Z");

  private MetadataStore store;
  private Organization org;
  private FakeProvisioner provisioner;
  private List<UUID> triggered;
  private ReadinessCheck check;
  private int port = 23000;

  @BeforeAll
  void open(@TempDir Path dir) {
    store = EmbeddedStore.open(dir.resolve("meta"));
    org = new Organization(UUID.randomUUID(), "acme", T0, false);
    store.insertOrganization(org);
  }

  @BeforeEach
  void fresh() {
    provisioner = new FakeProvisioner();
    triggered = new CopyOnWriteArrayList<>();
  }

  @AfterEach
  void closeCheck() {
    if (check != null) {
      check.close();
    }
  }

  @AfterAll
  void close() {
    store.close();
  }

  private ReadinessCheck check(int replicas) {
    check =
        new ReadinessCheck(
            store, provisioner, Duration.ofSeconds(5), triggered::add, s -> replicas);
    return check;
  }

  @Test
  void oneReplicaIsDegradedAfterThreeMissesAndRunningAgainOnAnAnswer() {
    ReadinessCheck check = check(1);
    Service s = runningService(ServiceState.RUNNING, 1);
    provisioner.hang(s.id());

    check.check(s.id());
    check.check(s.id());
    assertThat(state(s)).as("two misses are not enough").isEqualTo(ServiceState.RUNNING);
    assertThat(triggered).as("the first miss is a change of readiness").containsExactly(s.id());
    check.check(s.id());
    assertThat(state(s)).isEqualTo(ServiceState.DEGRADED);
    assertThat(store.findService(s.id()).orElseThrow().failureReason())
        .contains("3 times in a row");
    assertThat(triggered).as("and so is becoming degraded").containsExactly(s.id(), s.id());
    check.check(s.id());
    assertThat(triggered).as("further misses change nothing").hasSize(2);

    provisioner.allowStarts(s.id());
    check.check(s.id());
    assertThat(state(s)).isEqualTo(ServiceState.RUNNING);
    assertThat(store.findService(s.id()).orElseThrow().failureReason()).isNull();
    assertThat(triggered).as("the answer after misses is a change of readiness").hasSize(3);
    check.check(s.id());
    assertThat(triggered).hasSize(3);
  }

  @Test
  void aServiceThatAnswersIsNotTriggered() {
    ReadinessCheck check = check(1);
    Service s = runningService(ServiceState.RUNNING, 1);

    check.check(s.id());
    check.check(s.id());

    assertThat(state(s)).isEqualTo(ServiceState.RUNNING);
    assertThat(triggered).isEmpty();
  }

  @Test
  void threeReplicasRecoverToTheStateTheirReplicasGive() {
    ReadinessCheck check = check(3);
    Service s = runningService(ServiceState.DEGRADED, 3);
    provisioner.replicaPhase(s.id(), 2, ReplicaPhase.STARTING);

    check.check(s.id());
    assertThat(state(s)).isEqualTo(ServiceState.PARTIALLY_RUNNING);

    provisioner.hang(s.id());
    for (int i = 0; i < ReadinessCheck.FAILURES_TO_DEGRADE; i++) {
      check.check(s.id());
    }
    assertThat(state(s))
        .as("a partially running service that does not answer")
        .isEqualTo(ServiceState.DEGRADED);

    provisioner.allowStarts(s.id());
    provisioner.replicaPhase(s.id(), 2, null);
    check.check(s.id());
    assertThat(state(s)).isEqualTo(ServiceState.RUNNING);
  }

  @Test
  void threeReplicasWithOneFailedStayDegradedOnAnAnswer() {
    ReadinessCheck check = check(3);
    Service s = runningService(ServiceState.DEGRADED, 3);
    provisioner.replicaPhase(s.id(), 0, ReplicaPhase.FAILED);

    check.check(s.id());

    assertThat(state(s)).isEqualTo(ServiceState.DEGRADED);
  }

  private ServiceState state(Service s) {
    return store.findService(s.id()).orElseThrow().state();
  }

  private Service runningService(ServiceState state, int replicas) {
    ServiceSpec spec =
        new ServiceSpec(
            "ready-" + port,
            "aws",
            "eu-west-1",
            "production",
            List.of(new IpAccessEntry("127.0.0.1", "")),
            Scaling.defaults(),
            "fast",
            false,
            null,
            true,
            List.of(),
            Boolean.FALSE,
            new BackupConfiguration(24, 24, null),
            null);
    port += 4;
    Service s =
        new Service(
            UUID.randomUUID(),
            org.id(),
            T0,
            spec,
            state,
            DesiredState.RUNNING,
            null,
            "24.8.1.1",
            new Credentials("aa".repeat(32), "bb".repeat(20)),
            new ServicePorts(port, port + 1),
            0);
    store.insertService(s);
    provisioner.leaveRunning(ServiceReconcilerTest.planned(replicas).apply(s));
    return s;
  }
}
