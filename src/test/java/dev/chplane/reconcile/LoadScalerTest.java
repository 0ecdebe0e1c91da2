package dev.chplane.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.chplane.store.EmbeddedStore;
import dev.chplane.store.MetadataStore;
import dev.chplane.testing.MovableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Horizontal autoscaling on fake CPU samples: {@link LoadPolicy}, {@link CpuWindow}, and {@link
 * LoadScaler}'s timers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadScalerTest {
  private static final Instant T0 = Instant.parse("2026-12-02T12:00:00Z");
  private static final long SECOND = 1_000_000_000L;
  private static final long CORE_SECOND = 1_000_000L;

  private MetadataStore store;
  private Organization org;
  private ManualScheduler scheduler;
  private AtomicLong nanos;
  private MovableClock wall;
  private List<UUID> triggered;

  /** The load each replica runs at, in cores; the fake counters grow by it. */
  private double load;

  private long[] counters = new long[0];
  private long lastSampleNanos;
  private int port = 23000;

  @BeforeAll
  void open(@TempDir Path dir) {
    store = EmbeddedStore.open(dir.resolve("meta"));
    org = new Organization(UUID.randomUUID(), "acme", T0, false);
    store.insertOrganization(org);
  }

  @AfterAll
  void close() {
    store.close();
  }

  @BeforeEach
  void fresh() {
    scheduler = new ManualScheduler();
    nanos = new AtomicLong();
    wall = new MovableClock(T0);
    triggered = new ArrayList<>();
    counters = new long[0];
    lastSampleNanos = 0;
  }

  // decision logic

  @Test
  void aboveSeventyPercentAddsAReplica() {
    assertThat(LoadPolicy.DEFAULT.decide(2, 1, 5, Optional.of(0.71), Optional.empty()))
        .hasValueSatisfying(
            c -> {
              assertThat(c.to()).isEqualTo(3);
              assertThat(c.why()).contains("71 %").contains("above 70 %").contains("60 s");
            });
  }

  @Test
  void belowTwentyPercentRemovesOne() {
    assertThat(LoadPolicy.DEFAULT.decide(3, 1, 5, Optional.of(0.1), Optional.empty()))
        .hasValueSatisfying(c -> assertThat(c.to()).isEqualTo(2));
  }

  @Test
  void betweenTheThresholdsNothingChanges() {
    assertThat(LoadPolicy.DEFAULT.decide(3, 1, 5, Optional.of(0.5), Optional.empty())).isEmpty();
    assertThat(LoadPolicy.DEFAULT.decide(3, 1, 5, Optional.of(0.7), Optional.empty())).isEmpty();
    assertThat(LoadPolicy.DEFAULT.decide(3, 1, 5, Optional.of(0.2), Optional.empty())).isEmpty();
  }

  @Test
  void theBandIsNeverLeft() {
    assertThat(LoadPolicy.DEFAULT.decide(5, 1, 5, Optional.of(3.0), Optional.empty())).isEmpty();
    assertThat(LoadPolicy.DEFAULT.decide(1, 1, 5, Optional.of(0.0), Optional.empty())).isEmpty();
  }

  @Test
  void theCoolDownHoldsChangesBack() {
    assertThat(
            LoadPolicy.DEFAULT.decide(
                2, 1, 5, Optional.of(0.9), Optional.of(Duration.ofMinutes(4))))
        .isEmpty();
    assertThat(
            LoadPolicy.DEFAULT.decide(
                2, 1, 5, Optional.of(0.9), Optional.of(LoadPolicy.DEFAULT.coolDown())))
        .isPresent();
  }

  @Test
  void withoutAFullWindowNothingChanges() {
    assertThat(LoadPolicy.DEFAULT.decide(2, 1, 5, Optional.empty(), Optional.empty())).isEmpty();
  }

  @Test
  void theWindowAveragesCoresPerReplicaOverAtLeastItsLength() {
    CpuWindow w = new CpuWindow(Duration.ofSeconds(60));
    w.add(0, new long[] {0, 0});
    w.add(30 * SECOND, new long[] {30 * CORE_SECOND, 0});
    assertThat(w.coresPerReplica()).as("half a window").isEmpty();
    w.add(60 * SECOND, new long[] {60 * CORE_SECOND, 30 * CORE_SECOND});
    assertThat(w.coresPerReplica()).hasValueSatisfying(v -> assertThat(v).isEqualTo(0.75));
    w.add(90 * SECOND, new long[] {60 * CORE_SECOND, 30 * CORE_SECOND});
    assertThat(w.coresPerReplica())
        .as("the last 60 s: each replica busy 30 s of 60")
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(0.5));
  }

  @Test
  void aCounterThatWentDownStartsTheWindowOver() {
    CpuWindow w = new CpuWindow(Duration.ofSeconds(60));
    w.add(0, new long[] {50 * CORE_SECOND});
    w.add(60 * SECOND, new long[] {1});
    assertThat(w.coresPerReplica()).isEmpty();
  }

  // the scaler's timers on fake samples

  @Test
  void aBusyHorizontalServiceGetsAReplicaAndTheActivitySaysWhy() {
    Service s = service(new Scaling("horizontal", 8, 8, null, 1, 3, null, null, null, null, 2));
    LoadScaler scaler = scaler();
    load = 0.9;

    scaler.passed(s.id());
    advance(Duration.ofSeconds(70));

    Service after = store.findService(s.id()).orElseThrow();
    assertThat(after.spec().scaling().plannedReplicas()).isEqualTo(3);
    assertThat(triggered).contains(s.id());
    assertThat(activities(s.id()))
        .extracting(Activity::actorDetails)
        .singleElement()
        .asString()
        .contains("above 70 %")
        .contains("2 -> 3 replicas");
  }

  @Test
  void anIdleServiceLosesAReplicaOnlyAfterTheCoolDown() {
    Service s = service(new Scaling("horizontal", 8, 8, null, 1, 3, null, null, null, null, 3));
    LoadScaler scaler = scaler();
    load = 0.05;
    scaler.passed(s.id());

    advance(Duration.ofSeconds(70));
    assertThat(planned(s)).isEqualTo(2);
    // the pass the change triggered, with the new count (the counters start over)
    store.mutateService(s.id(), c -> c.withState(ServiceState.RUNNING, null));
    counters = new long[0];
    scaler.passed(s.id());
    advance(Duration.ofSeconds(120));
    assertThat(planned(s)).as("within the cool-down").isEqualTo(2);
    advance(LoadPolicy.DEFAULT.coolDown());
    assertThat(planned(s)).isEqualTo(1);
    advance(LoadPolicy.DEFAULT.coolDown().multipliedBy(2));
    assertThat(planned(s)).as("minReplicas").isEqualTo(1);
  }

  @Test
  void theCoolDownIsStoredAndOutlastsARestartOfTheScaler() {
    Service s = service(new Scaling("horizontal", 8, 8, null, 1, 3, null, null, null, null, 3));
    load = 0.05;
    scaler().passed(s.id());
    advance(Duration.ofSeconds(70));
    assertThat(planned(s)).isEqualTo(2);
    assertThat(store.findService(s.id()).orElseThrow().spec().scaling().autoscaledAt())
        .as("the time of the change, stored with the count")
        .isEqualTo(T0.plusSeconds(70));

    // a chplane restart: a new scaler with nothing in memory
    scheduler.close();
    scheduler = new ManualScheduler();
    counters = new long[0];
    store.mutateService(s.id(), c -> c.withState(ServiceState.RUNNING, null));
    LoadScaler restarted = scaler();
    restarted.passed(s.id());
    advance(Duration.ofSeconds(120));
    assertThat(planned(s)).as("within the stored cool-down").isEqualTo(2);
    advance(LoadPolicy.DEFAULT.coolDown());
    assertThat(planned(s)).isEqualTo(1);
  }

  @Test
  void theInstallationCanShortenTheWindowAndCoolDownAndMoveTheThresholds() {
    LoadPolicy quick = new LoadPolicy(Duration.ofSeconds(10), 0.4, 0.1, Duration.ofSeconds(15));
    assertThat(quick.sampleEvery()).isEqualTo(Duration.ofMillis(2500));
    assertThat(LoadPolicy.DEFAULT.sampleEvery()).isEqualTo(Duration.ofSeconds(10));
    Service s = service(new Scaling("horizontal", 8, 8, null, 1, 2, null, null, null, null));
    load = 0.5;
    scaler(quick).passed(s.id());
    advance(Duration.ofSeconds(14));
    assertThat(planned(s)).isEqualTo(2);
    assertThat(activities(s.id()))
        .extracting(Activity::actorDetails)
        .singleElement()
        .asString()
        .contains("over the last 10 s is above 40 %")
        .contains("1 -> 2 replicas");
  }

  @Test
  void aPolicyWithThresholdsTheWrongWayRoundIsRefused() {
    assertThatThrownBy(
            () -> new LoadPolicy(Duration.ofSeconds(10), 0.2, 0.3, Duration.ofSeconds(15)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scale-down threshold");
  }

  @Test
  void aVerticalServiceIsNotSampled() {
    Service s = service(new Scaling(null, null, null, 2, null, null, null, null, null, null));
    LoadScaler scaler = scaler();
    load = 5;
    scaler.passed(s.id());
    advance(Duration.ofMinutes(10));
    assertThat(planned(s)).isEqualTo(2);
    assertThat(lastSampleNanos).isZero();
  }

  private int planned(Service s) {
    return store.findService(s.id()).orElseThrow().spec().scaling().plannedReplicas();
  }

  private void advance(Duration d) {
    long steps = d.toSeconds();
    for (long i = 0; i < steps; i++) {
      nanos.addAndGet(SECOND);
      wall.advance(Duration.ofSeconds(1));
      scheduler.advance(Duration.ofSeconds(1));
    }
  }

  private LoadScaler scaler() {
    return scaler(LoadPolicy.DEFAULT);
  }

  private LoadScaler scaler(LoadPolicy policy) {
    return new LoadScaler(
        store,
        (id, replicas) -> {
          long now = nanos.get();
          if (counters.length != replicas) {
            counters = new long[replicas];
          } else {
            double seconds = (now - lastSampleNanos) / (double) SECOND;
            for (int i = 0; i < replicas; i++) {
              counters[i] += (long) (seconds * load * CORE_SECOND);
            }
          }
          lastSampleNanos = now;
          return Optional.of(counters.clone());
        },
        triggered::add,
        scheduler,
        nanos::get,
        wall,
        policy);
  }

  private List<Activity> activities(UUID id) {
    return store
        .listActivities(org.id(), T0.minusSeconds(3600), Instant.now().plusSeconds(3600))
        .stream()
        .filter(
            a ->
                id.equals(a.serviceId())
                    && a.type() == ActivityType.SERVICE_UPDATE_AUTOSCALING_REPLICAS)
        .toList();
  }

  private Service service(Scaling scaling) {
    ServiceSpec spec =
        new ServiceSpec(
            "load",
            "aws",
            "eu-west-1",
            "production",
            List.of(new IpAccessEntry("127.0.0.1", "")),
            scaling,
            "fast",
            false,
            null,
            true,
            List.of(),
            Boolean.FALSE,
            new BackupConfiguration(24, 24, null),
            null);
    Service s =
        new Service(
            UUID.randomUUID(),
            org.id(),
            T0,
            spec,
            ServiceState.RUNNING,
            DesiredState.RUNNING,
            null,
            "18.16.1",
            new Credentials("aa".repeat(32), "bb".repeat(20)),
            new ServicePorts(port, port + 1),
            0);
    port += 2;
    store.insertService(s);
    return s;
  }
}
