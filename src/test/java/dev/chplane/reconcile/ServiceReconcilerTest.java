package dev.chplane.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.domain.Activity;
import dev.chplane.domain.ActivityType;
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
import dev.chplane.exposure.EndpointKind;
import dev.chplane.provision.FakeProvisioner;
import dev.chplane.provision.ReplicaPhase;
import dev.chplane.provision.ServiceDeployment;
import dev.chplane.store.EmbeddedStore;
import dev.chplane.store.MetadataStore;
import dev.chplane.testing.MovableClock;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every transition of {@link ServiceState}'s Javadoc that a reconcile pass makes, on the fake
 * provisioner: one row per (observed state, desired state, what exists) with what one pass leaves,
 * plus the retries of a service whose server cannot start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceReconcilerTest {
  private static final Instant T0 = Instant.parse("2026-12-02T12:00:00Z");
  private static final String VERSION = "24.8.1.1";

  // one store for the class (opening one takes most of a second); every test makes its own services
  private MetadataStore store;
  private Organization org;
  private FakeProvisioner provisioner;
  private RecordingExposure exposure;
  private MovableClock clock;
  private List<UUID> restored;
  private ServiceReconciler reconciler;
  private int port = 21000;

  /** What the provisioner holds for the service before the pass. */
  enum World {
    NOTHING,
    FILES,
    SERVER_RUNNING,
    STARTS_FAIL,
    SERVER_HANGS,
    FILES_LOST
  }

  /**
   * @param duringStart the stored state while the server starts; null when the pass starts none
   * @param after the state the pass leaves; null when the service is gone
   */
  record Row(
      String name,
      ServiceState state,
      DesiredState desired,
      World world,
      ServiceState duringStart,
      ServiceState after,
      boolean serverRuns,
      String reason,
      Duration retry) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> transitions() {
    Duration first = StartBackoff.FIRST;
    return Stream.of(
        new Row(
            "a new service starts",
            ServiceState.PROVISIONING,
            DesiredState.RUNNING,
            World.NOTHING,
            ServiceState.PROVISIONING,
            ServiceState.RUNNING,
            true,
            null,
            null),
        new Row(
            "a new service that cannot start fails",
            ServiceState.PROVISIONING,
            DesiredState.RUNNING,
            World.STARTS_FAIL,
            ServiceState.PROVISIONING,
            ServiceState.FAILED,
            false,
            "Address already in use",
            first),
        new Row(
            "a new service whose server never answers fails",
            ServiceState.PROVISIONING,
            DesiredState.RUNNING,
            World.SERVER_HANGS,
            ServiceState.PROVISIONING,
            ServiceState.FAILED,
            false,
            "did not answer",
            first),
        new Row(
            "a stop while provisioning",
            ServiceState.STOPPING,
            DesiredState.STOPPED,
            World.NOTHING,
            null,
            ServiceState.STOPPED,
            false,
            null,
            null),
        new Row(
            "a start of a stopped service",
            ServiceState.STARTING,
            DesiredState.RUNNING,
            World.FILES,
            ServiceState.STARTING,
            ServiceState.RUNNING,
            true,
            null,
            null),
        new Row(
            "a start that fails",
            ServiceState.STARTING,
            DesiredState.RUNNING,
            World.STARTS_FAIL,
            ServiceState.STARTING,
            ServiceState.FAILED,
            false,
            "Address already in use",
            first),
        new Row(
            "a start finds a server left running and adopts it",
            ServiceState.STARTING,
            DesiredState.RUNNING,
            World.SERVER_RUNNING,
            ServiceState.STARTING,
            ServiceState.RUNNING,
            true,
            null,
            null),
        new Row(
            "a running service is left alone",
            ServiceState.RUNNING,
            DesiredState.RUNNING,
            World.SERVER_RUNNING,
            null,
            ServiceState.RUNNING,
            true,
            null,
            null),
        new Row(
            "a running service whose server exited starts again",
            ServiceState.RUNNING,
            DesiredState.RUNNING,
            World.FILES,
            ServiceState.STARTING,
            ServiceState.RUNNING,
            true,
            null,
            null),
        new Row(
            "a running service whose server cannot start again fails",
            ServiceState.RUNNING,
            DesiredState.RUNNING,
            World.STARTS_FAIL,
            ServiceState.STARTING,
            ServiceState.FAILED,
            false,
            "Address already in use",
            first),
        new Row(
            "a running service that lost its files fails and is not made again empty",
            ServiceState.RUNNING,
            DesiredState.RUNNING,
            World.FILES_LOST,
            null,
            ServiceState.FAILED,
            false,
            "files are missing",
            first),
        new Row(
            "a stop of a running service",
            ServiceState.STOPPING,
            DesiredState.STOPPED,
            World.SERVER_RUNNING,
            null,
            ServiceState.STOPPED,
            false,
            null,
            null),
        new Row(
            "a degraded service is left running to recover",
            ServiceState.DEGRADED,
            DesiredState.RUNNING,
            World.SERVER_RUNNING,
            null,
            ServiceState.DEGRADED,
            true,
            "did not answer",
            null),
        new Row(
            "a degraded service whose server exited starts again",
            ServiceState.DEGRADED,
            DesiredState.RUNNING,
            World.FILES,
            ServiceState.STARTING,
            ServiceState.RUNNING,
            true,
            null,
            null),
        new Row(
            "a service going idle stops its server",
            ServiceState.STOPPING,
            DesiredState.RUNNING,
            World.SERVER_RUNNING,
            null,
            ServiceState.IDLE,
            false,
            null,
            null),
        new Row(
            "an idle service found with a server stops it",
            ServiceState.IDLE,
            DesiredState.RUNNING,
            World.SERVER_RUNNING,
            null,
            ServiceState.IDLE,
            false,
            null,
            null),
        new Row(
            "an idle service stays idle",
            ServiceState.IDLE,
            DesiredState.RUNNING,
            World.FILES,
            null,
            ServiceState.IDLE,
            false,
            null,
            null),
        new Row(
            "a stop of an idle service",
            ServiceState.STOPPING,
            DesiredState.STOPPED,
            World.FILES,
            null,
            ServiceState.STOPPED,
            false,
            null,
            null),
        new Row(
            "an awaking service starts",
            ServiceState.AWAKING,
            DesiredState.RUNNING,
            World.FILES,
            ServiceState.AWAKING,
            ServiceState.RUNNING,
            true,
            null,
            null),
        new Row(
            "an awaking service that cannot start fails",
            ServiceState.AWAKING,
            DesiredState.RUNNING,
            World.STARTS_FAIL,
            ServiceState.AWAKING,
            ServiceState.FAILED,
            false,
            "Address already in use",
            first),
        new Row(
            "a stopped service stays stopped",
            ServiceState.STOPPED,
            DesiredState.STOPPED,
            World.FILES,
            null,
            ServiceState.STOPPED,
            false,
            null,
            null),
        new Row(
            "a failed service is retried and stays failed while it starts",
            ServiceState.FAILED,
            DesiredState.RUNNING,
            World.FILES,
            ServiceState.FAILED,
            ServiceState.RUNNING,
            true,
            null,
            null),
        new Row(
            "a failed service whose retry fails stays failed",
            ServiceState.FAILED,
            DesiredState.RUNNING,
            World.STARTS_FAIL,
            ServiceState.FAILED,
            ServiceState.FAILED,
            false,
            "Address already in use",
            first),
        new Row(
            "a stop of a failed service",
            ServiceState.STOPPING,
            DesiredState.STOPPED,
            World.FILES,
            null,
            ServiceState.STOPPED,
            false,
            null,
            null),
        new Row(
            "a delete of a stopped service removes it",
            ServiceState.TERMINATING,
            DesiredState.DELETED,
            World.FILES,
            null,
            null,
            false,
            null,
            null),
        new Row(
            "a delete of a running service removes it",
            ServiceState.TERMINATING,
            DesiredState.DELETED,
            World.SERVER_RUNNING,
            null,
            null,
            false,
            null,
            null));
  }

  @BeforeAll
  void open(@TempDir Path dir) {
    store = EmbeddedStore.open(dir.resolve("meta"));
    org = new Organization(UUID.randomUUID(), "acme", T0, false);
    store.insertOrganization(org);
  }

  @BeforeEach
  void makeReconciler() {
    provisioner = new FakeProvisioner();
    exposure = new RecordingExposure();
    clock = new MovableClock(T0);
    restored = new ArrayList<>();
    reconciler =
        new ServiceReconciler(
            store,
            provisioner,
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            (service, deployment) -> restored.add(service.id()),
            exposure,
            "127.0.0.1",
            clock);
  }

  @AfterAll
  void close() {
    store.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transitions")
  void onePassMakesTheTransition(Row row) {
    boolean hasRun = row.state() != ServiceState.PROVISIONING;
    Service s = service(row.state(), row.desired(), hasRun ? VERSION : null, null);
    arrange(s, row.world());
    AtomicReference<ServiceState> duringStart = new AtomicReference<>();
    provisioner.onStart(id -> duringStart.set(store.findService(id).orElseThrow().state()));

    Optional<Duration> retry = reconciler.reconcile(s.id());

    Service after = store.findService(s.id()).orElse(null);
    if (row.after() == null) {
      assertThat(after).as("the service is gone").isNull();
      assertThat(provisioner.present()).doesNotContain(s.id());
      assertThat(exposure.exposed).doesNotContainKey(s.id());
    } else {
      assertThat(after.state()).isEqualTo(row.after());
      if (row.reason() == null) {
        assertThat(after.failureReason()).isNull();
      } else {
        assertThat(after.failureReason()).contains(row.reason());
      }
      assertThat(exposure.exposed).as("its endpoints stay exposed").containsKey(s.id());
    }
    assertThat(duringStart.get())
        .as("the state while its server starts")
        .isEqualTo(row.duringStart());
    assertThat(provisioner.isRunning(s.id())).as("its server runs").isEqualTo(row.serverRuns());
    assertThat(retry).isEqualTo(Optional.ofNullable(row.retry()));
  }

  /**
   * A service's state derived from its replicas: {@code replicas} planned, {@code phases} what the
   * provisioner reports for some of them (the others answer), {@code state} before the pass.
   */
  record ReplicaRow(
      String name,
      int replicas,
      ServiceState state,
      Map<Integer, ReplicaPhase> phases,
      ServiceState after) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<ReplicaRow> derivedStates() {
    return Stream.of(
        new ReplicaRow(
            "one replica: a new service runs once it answers",
            1,
            ServiceState.PROVISIONING,
            Map.of(),
            ServiceState.RUNNING),
        new ReplicaRow(
            "one replica: a running service stays running",
            1,
            ServiceState.RUNNING,
            Map.of(),
            ServiceState.RUNNING),
        new ReplicaRow(
            "one replica: a service the readiness check degraded stays degraded",
            1,
            ServiceState.DEGRADED,
            Map.of(),
            ServiceState.DEGRADED),
        new ReplicaRow(
            "one replica: a running service whose replica reports starting is left to the readiness"
                + " check",
            1,
            ServiceState.RUNNING,
            Map.of(0, ReplicaPhase.STARTING),
            ServiceState.RUNNING),
        new ReplicaRow(
            "three replicas: a new service runs when all three answer",
            3,
            ServiceState.PROVISIONING,
            Map.of(),
            ServiceState.RUNNING),
        new ReplicaRow(
            "three replicas: a new service with one still starting is partially running",
            3,
            ServiceState.PROVISIONING,
            Map.of(2, ReplicaPhase.STARTING),
            ServiceState.PARTIALLY_RUNNING),
        new ReplicaRow(
            "three replicas: a new service with two still starting is partially running",
            3,
            ServiceState.STARTING,
            Map.of(1, ReplicaPhase.STARTING, 2, ReplicaPhase.STARTING),
            ServiceState.PARTIALLY_RUNNING),
        new ReplicaRow(
            "three replicas: a new service with one failed is degraded",
            3,
            ServiceState.PROVISIONING,
            Map.of(1, ReplicaPhase.FAILED),
            ServiceState.DEGRADED),
        new ReplicaRow(
            "three replicas: a running service whose replica failed is degraded",
            3,
            ServiceState.RUNNING,
            Map.of(0, ReplicaPhase.FAILED),
            ServiceState.DEGRADED),
        new ReplicaRow(
            "three replicas: a running service whose replica restarts is partially running",
            3,
            ServiceState.RUNNING,
            Map.of(2, ReplicaPhase.STARTING),
            ServiceState.PARTIALLY_RUNNING),
        new ReplicaRow(
            "three replicas: a partially running service runs once all answer",
            3,
            ServiceState.PARTIALLY_RUNNING,
            Map.of(),
            ServiceState.RUNNING),
        new ReplicaRow(
            "three replicas: a failed replica among starting ones, some ready: degraded",
            3,
            ServiceState.PARTIALLY_RUNNING,
            Map.of(1, ReplicaPhase.FAILED, 2, ReplicaPhase.STARTING),
            ServiceState.DEGRADED),
        new ReplicaRow(
            "three replicas: a service the readiness check degraded stays degraded",
            3,
            ServiceState.DEGRADED,
            Map.of(),
            ServiceState.DEGRADED),
        new ReplicaRow(
            "three replicas: none ready is left to the readiness check and the exit watch",
            3,
            ServiceState.RUNNING,
            Map.of(0, ReplicaPhase.STARTING, 1, ReplicaPhase.STARTING, 2, ReplicaPhase.FAILED),
            ServiceState.RUNNING));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("derivedStates")
  void theStateIsDerivedFromTheReplicas(ReplicaRow row) {
    Function<Service, ServiceDeployment> plan = planned(row.replicas());
    reconciler =
        new ServiceReconciler(
            store,
            provisioner,
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            (service, deployment) -> {},
            exposure,
            "127.0.0.1",
            clock,
            plan);
    Service s =
        service(
            row.state(),
            DesiredState.RUNNING,
            row.state() == ServiceState.PROVISIONING ? null : VERSION,
            null);
    if (row.state() != ServiceState.PROVISIONING) {
      provisioner.leaveRunning(plan.apply(s));
    }
    row.phases().forEach((index, phase) -> provisioner.replicaPhase(s.id(), index, phase));

    boolean restartsAFailedReplica =
        ReplicaHealth.up(row.state()) && row.phases().containsValue(ReplicaPhase.FAILED);
    assertThat(reconciler.reconcile(s.id()))
        .as("a replica that stays failed after its restart is retried after the backoff")
        .isEqualTo(restartsAFailedReplica ? Optional.of(StartBackoff.FIRST) : Optional.empty());

    assertThat(provisioner.replicas(s.id())).hasSize(row.replicas());
    assertThat(store.findService(s.id()).orElseThrow().state()).isEqualTo(row.after());
  }

  /** The planner's plan with {@code replicas} replicas, which it does not plan yet. */
  static Function<Service, ServiceDeployment> planned(int replicas) {
    return s -> {
      ServiceDeployment d = DeploymentPlanner.desired(s);
      return new ServiceDeployment(
          d.serviceId(),
          replicas,
          d.passwordSha256Hex(),
          d.doubleSha1Hex(),
          d.networks(),
          d.memoryLimitBytes());
    };
  }

  private void planReplicas(Function<Service, ServiceDeployment> plan) {
    reconciler =
        new ServiceReconciler(
            store,
            provisioner,
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            (service, deployment) -> {},
            exposure,
            "127.0.0.1",
            clock,
            plan);
  }

  @Test
  void aKilledReplicaMakesTheServiceDegradedAndIsRestarted() {
    planReplicas(planned(3));
    Service s = service(ServiceState.RUNNING, DesiredState.RUNNING, VERSION, null);
    provisioner.leaveRunning(planned(3).apply(s));
    provisioner.killReplica(s.id(), 1);
    AtomicReference<ServiceState> duringStart = new AtomicReference<>();
    provisioner.onStart(id -> duringStart.set(store.findService(id).orElseThrow().state()));

    assertThat(reconciler.reconcile(s.id())).isEmpty();

    assertThat(duringStart.get()).as("while the replica restarts").isEqualTo(ServiceState.DEGRADED);
    assertThat(provisioner.replicaStarts(s.id())).isEqualTo(1);
    assertThat(provisioner.starts(s.id())).as("the other replicas kept running").isZero();
    assertThat(store.findService(s.id()).orElseThrow().state()).isEqualTo(ServiceState.RUNNING);
    assertThat(activities(s.id(), ActivityType.SERVICE_START))
        .extracting(Activity::actorDetails)
        .singleElement()
        .asString()
        .contains("replica 1 exited unexpectedly: restarting it");
  }

  @Test
  void aReplicaThatCannotRestartLeavesTheServiceDegradedAndWaitsForTheBackoff() {
    planReplicas(planned(3));
    Service s = service(ServiceState.RUNNING, DesiredState.RUNNING, VERSION, null);
    provisioner.leaveRunning(planned(3).apply(s));
    provisioner.killReplica(s.id(), 2);
    provisioner.failStarts(s.id(), "clickhouse-server exited during start: Cannot lock file");

    assertThat(reconciler.reconcile(s.id())).contains(StartBackoff.FIRST);
    assertThat(store.findService(s.id()).orElseThrow().state())
        .as("the other replicas serve")
        .isEqualTo(ServiceState.DEGRADED);
    clock.advance(Duration.ofSeconds(1));
    assertThat(reconciler.reconcile(s.id()))
        .as("a pass before the delay is over waits for it")
        .contains(StartBackoff.FIRST.minusSeconds(1));
    assertThat(startCalls()).isEqualTo(1);

    provisioner.allowStarts(s.id());
    clock.advance(StartBackoff.FIRST);
    assertThat(reconciler.reconcile(s.id())).isEmpty();

    assertThat(startCalls()).isEqualTo(2);
    assertThat(store.findService(s.id()).orElseThrow().state()).isEqualTo(ServiceState.RUNNING);
  }

  @Test
  void aStartThatFailsWithNoReplicaReadyFailsTheService() {
    planReplicas(planned(3));
    Service s = service(ServiceState.RUNNING, DesiredState.RUNNING, VERSION, null);
    provisioner.leaveRunning(planned(3).apply(s));
    for (int i = 0; i < 3; i++) {
      provisioner.killReplica(s.id(), i);
    }
    provisioner.failStarts(s.id(), "clickhouse-server exited during start: Cannot lock file");

    assertThat(reconciler.reconcile(s.id())).contains(StartBackoff.FIRST);

    Service failed = store.findService(s.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(ServiceState.FAILED);
    assertThat(failed.failureReason()).contains("Cannot lock file");
  }

  @Test
  void aChangedReplicaCountStartsAndRemovesReplicas() {
    java.util.concurrent.atomic.AtomicInteger count =
        new java.util.concurrent.atomic.AtomicInteger(1);
    planReplicas(s -> planned(count.get()).apply(s));
    Service s = service(ServiceState.RUNNING, DesiredState.RUNNING, VERSION, null);
    provisioner.leaveRunning(planned(1).apply(s));
    assertThat(reconciler.reconcile(s.id())).isEmpty();
    assertThat(startCalls()).as("as planned: nothing to start").isZero();

    count.set(3);
    assertThat(reconciler.reconcile(s.id())).isEmpty();
    assertThat(provisioner.replicas(s.id())).hasSize(3);
    assertThat(provisioner.replicaStarts(s.id())).isEqualTo(2);
    assertThat(provisioner.applied(s.id()).replicas()).isEqualTo(3);

    count.set(2);
    assertThat(reconciler.reconcile(s.id())).isEmpty();
    assertThat(provisioner.replicas(s.id())).hasSize(2);
    assertThat(store.findService(s.id()).orElseThrow().state()).isEqualTo(ServiceState.RUNNING);
    assertThat(activities(s.id(), ActivityType.SERVICE_START)).as("no replica exited").isEmpty();
  }

  @Test
  void theEndpointsLeadToTheServerBehindTheAccessList() throws Exception {
    Service s = service(ServiceState.PROVISIONING, DesiredState.RUNNING, null, null);

    reconciler.reconcile(s.id());

    var exposed = exposure.exposed.get(s.id());
    assertThat(exposed.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(exposed.endpoints())
        .extracting(e -> e.kind() + ":" + e.publicPort())
        .containsExactly(
            EndpointKind.HTTPS + ":" + s.ports().https(),
            EndpointKind.NATIVE_SECURE + ":" + s.ports().nativeSecure());
    assertThat(exposed.upstreams())
        .as("the replicas as the provisioner placed them")
        .containsExactly(FakeProvisioner.REPLICA);
    assertThat(exposed.admission().admits(InetAddress.getLoopbackAddress())).isTrue();
    assertThat(exposed.admission().admits(InetAddress.getByAddress(new byte[] {10, 0, 0, 1})))
        .isFalse();
  }

  @Test
  void aNewServiceFromABackupIsRestoredBeforeItRuns() {
    Service s = service(ServiceState.PROVISIONING, DesiredState.RUNNING, null, UUID.randomUUID());

    reconciler.reconcile(s.id());

    assertThat(restored).containsExactly(s.id());
    assertThat(store.findService(s.id()).orElseThrow().state()).isEqualTo(ServiceState.RUNNING);
  }

  @Test
  void aRestoreThatFailedIsRetriedFromNothing() {
    Service s = service(ServiceState.PROVISIONING, DesiredState.RUNNING, null, UUID.randomUUID());
    provisioner.failStarts(s.id(), "Address already in use");
    reconciler.reconcile(s.id());
    provisioner.allowStarts(s.id());
    clock.advance(StartBackoff.FIRST);

    reconciler.reconcile(s.id());

    assertThat(restored).containsExactly(s.id());
    assertThat(provisioner.calls()).filteredOn(c -> c.startsWith("remove")).hasSize(2);
    assertThat(store.findService(s.id()).orElseThrow().state()).isEqualTo(ServiceState.RUNNING);
  }

  @Test
  void aDeleteThatCannotRemoveTheFilesYetStaysTerminatingAndIsRetried() {
    Service s = service(ServiceState.STOPPED, DesiredState.DELETED, VERSION, null);
    arrange(s, World.FILES);
    provisioner.failRemoves(s.id(), "directory busy");

    Optional<Duration> retry = reconciler.reconcile(s.id());

    assertThat(retry).contains(EnsureDeleted.RETRY);
    assertThat(store.findService(s.id()).orElseThrow().state()).isEqualTo(ServiceState.TERMINATING);
    provisioner.failRemoves(s.id(), null);
    assertThat(reconciler.reconcile(s.id())).isEmpty();
    assertThat(store.findService(s.id())).isEmpty();
  }

  @Test
  void aFailedServiceIsRetriedWithGrowingDelaysAndRecordedOnce() {
    Service s = service(ServiceState.STARTING, DesiredState.RUNNING, VERSION, null);
    arrange(s, World.STARTS_FAIL);
    List<Duration> delays = new ArrayList<>();

    for (int attempt = 0; attempt < 9; attempt++) {
      Duration delay = reconciler.reconcile(s.id()).orElseThrow();
      delays.add(delay);
      assertThat(reconciler.reconcile(s.id()))
          .as("a pass before the delay is over waits for it")
          .contains(delay);
      clock.advance(delay.minusSeconds(1));
      assertThat(reconciler.reconcile(s.id())).contains(Duration.ofSeconds(1));
      clock.advance(Duration.ofSeconds(1));
      if (attempt == 4) {
        provisioner.failStarts(s.id(), "clickhouse-server exited during start: Cannot lock file");
      }
    }

    assertThat(delays)
        .extracting(Duration::toSeconds)
        .containsExactly(5L, 10L, 20L, 40L, 80L, 160L, 300L, 300L, 300L);
    assertThat(provisioner.calls()).filteredOn(c -> c.startsWith("start")).hasSize(9);
    Service failed = store.findService(s.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(ServiceState.FAILED);
    assertThat(failed.failureReason())
        .as("the reason of the last attempt")
        .contains("Cannot lock file");
    assertThat(activities(s.id(), ActivityType.SERVICE_STOP))
        .as("one failure, not one per retry")
        .hasSize(1);
  }

  @Test
  void aFailedServiceStartsByItselfOnceTheCauseIsGone() {
    Service s = service(ServiceState.STARTING, DesiredState.RUNNING, VERSION, null);
    arrange(s, World.STARTS_FAIL);
    reconciler.reconcile(s.id());
    reconciler.reconcile(s.id());
    provisioner.allowStarts(s.id());
    clock.advance(StartBackoff.FIRST);

    assertThat(reconciler.reconcile(s.id())).isEmpty();

    Service running = store.findService(s.id()).orElseThrow();
    assertThat(running.state()).isEqualTo(ServiceState.RUNNING);
    assertThat(running.failureReason()).isNull();
    assertThat(activities(s.id(), ActivityType.SERVICE_RUNNING))
        .extracting(Activity::actorDetails)
        .singleElement()
        .asString()
        .contains("on a retry")
        .contains("Address already in use");
  }

  @Test
  void aUserStartTriesAtOnceAndStartsTheDelaysOver() {
    Service s = service(ServiceState.STARTING, DesiredState.RUNNING, VERSION, null);
    arrange(s, World.STARTS_FAIL);
    reconciler.reconcile(s.id());
    clock.advance(StartBackoff.FIRST);
    assertThat(reconciler.reconcile(s.id())).contains(StartBackoff.FIRST.multipliedBy(2));

    // what ServiceOperations does on start
    store.mutateService(s.id(), c -> c.withState(ServiceState.STARTING, null));
    int startsBefore = startCalls();

    assertThat(reconciler.reconcile(s.id())).contains(StartBackoff.FIRST);
    assertThat(startCalls()).isEqualTo(startsBefore + 1);
  }

  @Test
  void aStopEndsTheRetries() {
    Service s = service(ServiceState.STARTING, DesiredState.RUNNING, VERSION, null);
    arrange(s, World.STARTS_FAIL);
    reconciler.reconcile(s.id());
    store.mutateService(
        s.id(),
        c ->
            c.withDesiredState(DesiredState.STOPPED)
                .withState(ServiceState.STOPPING, c.failureReason()));

    assertThat(reconciler.reconcile(s.id())).isEmpty();
    clock.advance(StartBackoff.MAX);
    assertThat(reconciler.reconcile(s.id())).isEmpty();

    assertThat(store.findService(s.id()).orElseThrow().state()).isEqualTo(ServiceState.STOPPED);
    assertThat(startCalls()).isEqualTo(1);
  }

  @Test
  void theDelaysDoubleUpToFiveMinutes() {
    assertThat(StartBackoff.delay(1)).isEqualTo(Duration.ofSeconds(5));
    assertThat(StartBackoff.delay(2)).isEqualTo(Duration.ofSeconds(10));
    assertThat(StartBackoff.delay(7)).isEqualTo(Duration.ofMinutes(5));
    assertThat(StartBackoff.delay(1000)).isEqualTo(Duration.ofMinutes(5));
  }

  private int startCalls() {
    return (int) provisioner.calls().stream().filter(c -> c.startsWith("start")).count();
  }

  private List<Activity> activities(UUID serviceId, ActivityType type) {
    return store
        .listActivities(org.id(), T0.minusSeconds(3600), Instant.now().plusSeconds(3600))
        .stream()
        .filter(a -> serviceId.equals(a.serviceId()) && a.type() == type)
        .toList();
  }

  private void arrange(Service s, World world) {
    var deployment = DeploymentPlanner.desired(s);
    switch (world) {
      case NOTHING, FILES_LOST -> {}
      case FILES -> provisioner.leaveFiles(deployment);
      case SERVER_RUNNING -> provisioner.leaveRunning(deployment);
      case STARTS_FAIL -> {
        provisioner.leaveFiles(deployment);
        provisioner.failStarts(
            s.id(), "clickhouse-server exited during start: Address already in use");
      }
      case SERVER_HANGS -> {
        provisioner.leaveFiles(deployment);
        provisioner.hang(s.id());
      }
    }
  }

  private Service service(
      ServiceState state, DesiredState desired, String clickhouseVersion, UUID restoreFrom) {
    ServiceSpec spec =
        new ServiceSpec(
            "svc-" + port,
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
            restoreFrom);
    port += 4;
    Service s =
        new Service(
            UUID.randomUUID(),
            org.id(),
            T0,
            spec,
            state,
            desired,
            state == ServiceState.FAILED
                ? "clickhouse-server exited during start: Address already in use"
                : state == ServiceState.DEGRADED
                    ? "clickhouse-server did not answer chplane's query within 5 s, 3 times in a row"
                    : null,
            clickhouseVersion,
            new Credentials("aa".repeat(32), "bb".repeat(20)),
            new ServicePorts(port, port + 1),
            0);
    store.insertService(s);
    return s;
  }
}
