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
import dev.chplane.exposure.ServiceActivity;
import dev.chplane.store.EmbeddedStore;
import dev.chplane.store.MetadataStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IdleScaler}'s deadlines on a {@link ManualScheduler}: one per service, at its last use
 * plus its idle timeout, moved by use, by settings and by changes of state, held up by an open
 * connection or a running pipe. Time moves only when a test moves it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdleScalerTest {
  private static final Instant T0 = Instant.parse("2026-12-02T12:00:00Z");
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final Duration SECOND = Duration.ofSeconds(1);

  private MetadataStore store;
  private Organization org;
  private ManualScheduler scheduler;
  private final Map<UUID, Integer> open = new ConcurrentHashMap<>();
  private final Map<UUID, Long> lastActivity = new ConcurrentHashMap<>();
  private final Set<UUID> pipes = ConcurrentHashMap.newKeySet();
  private List<UUID> triggered;
  private IdleScaler idle;
  private int port = 25000;

  @BeforeAll
  void open(@TempDir Path dir) {
    store = EmbeddedStore.open(dir.resolve("meta"));
    org = new Organization(UUID.randomUUID(), "acme", T0, false);
    store.insertOrganization(org);
  }

  @BeforeEach
  void makeScaler() {
    scheduler = new ManualScheduler();
    triggered = new CopyOnWriteArrayList<>();
    ServiceActivity activity =
        new ServiceActivity() {
          @Override
          public int openConnections(UUID serviceId) {
            return open.getOrDefault(serviceId, 0);
          }

          @Override
          public long lastActivityNanos(UUID serviceId) {
            return lastActivity.getOrDefault(serviceId, 0L);
          }
        };
    idle =
        new IdleScaler(
            store,
            activity,
            triggered::add,
            MINUTE,
            pipes::contains,
            scheduler,
            scheduler::nanoTime);
  }

  @AfterEach
  void closeScaler() {
    idle.close();
  }

  @AfterAll
  void close() {
    store.close();
  }

  @Test
  void aRunningServiceGoesIdleAtItsDeadline() {
    Service s = service(ServiceState.RUNNING, 5, true);
    idle.passed(s.id());

    scheduler.advance(TIMEOUT.minus(SECOND));
    assertThat(state(s)).isEqualTo(ServiceState.RUNNING);
    assertThat(triggered).isEmpty();
    scheduler.advance(SECOND);

    assertThat(store.findService(s.id()).orElseThrow().goingIdle()).isTrue();
    assertThat(triggered).as("the reconciler stops the server").containsExactly(s.id());
    assertThat(scheduler.pending()).as("nothing runs for it any more").isZero();
  }

  @Test
  void startSetsTheDeadlineOfEveryService() {
    Service s = service(ServiceState.RUNNING, 5, true);
    idle.start();

    scheduler.advance(TIMEOUT);

    assertThat(store.findService(s.id()).orElseThrow().goingIdle()).isTrue();
  }

  @Test
  void useMovesTheDeadline() {
    Service s = service(ServiceState.RUNNING, 5, true);
    idle.passed(s.id());
    scheduler.advance(Duration.ofMinutes(3));
    lastActivity.put(s.id(), scheduler.nanoTime());

    scheduler.advance(Duration.ofMinutes(5).minus(SECOND));
    assertThat(state(s)).isEqualTo(ServiceState.RUNNING);
    assertThat(scheduler.pending()).as("one deadline, moved").isEqualTo(1);
    scheduler.advance(SECOND);

    assertThat(state(s)).isEqualTo(ServiceState.STOPPING);
  }

  @Test
  void aClientThatConnectsThroughTheGateMovesTheDeadline() {
    Service s = service(ServiceState.RUNNING, 5, true);
    idle.passed(s.id());
    scheduler.advance(Duration.ofMinutes(4));
    assertThat(idle.ready(s.id()))
        .as("a running service lets the client through at once")
        .isCompleted();

    scheduler.advance(Duration.ofMinutes(4));
    assertThat(state(s)).isEqualTo(ServiceState.RUNNING);
    scheduler.advance(Duration.ofMinutes(1));

    assertThat(state(s)).isEqualTo(ServiceState.STOPPING);
  }

  @Test
  void anOpenConnectionHoldsItUp() {
    Service s = service(ServiceState.RUNNING, 5, true);
    open.put(s.id(), 1);
    idle.passed(s.id());

    scheduler.advance(Duration.ofMinutes(20));
    assertThat(state(s)).isEqualTo(ServiceState.RUNNING);
    assertThat(scheduler.pending()).isEqualTo(1);

    // the connection closes; closing touches the last activity
    open.put(s.id(), 0);
    lastActivity.put(s.id(), scheduler.nanoTime());
    scheduler.advance(TIMEOUT);
    assertThat(state(s)).isEqualTo(ServiceState.STOPPING);
  }

  @Test
  void aRunningPipeHoldsItUpAndIsLookedAtAgainEverySixthOfAMinute() {
    Service s = service(ServiceState.RUNNING, 5, true);
    pipes.add(s.id());
    idle.passed(s.id());
    scheduler.advance(Duration.ofMinutes(20));
    assertThat(state(s)).isEqualTo(ServiceState.RUNNING);

    pipes.remove(s.id());
    scheduler.advance(MINUTE.dividedBy(6));

    assertThat(state(s)).isEqualTo(ServiceState.STOPPING);
  }

  @Test
  void aLongerTimeoutMovesTheDeadlineAndTurningIdleScalingOffDropsIt() {
    Service s = service(ServiceState.RUNNING, 5, true);
    idle.passed(s.id());
    scheduler.advance(Duration.ofMinutes(2));
    setScaling(s, 10, true);
    idle.passed(s.id());

    scheduler.advance(Duration.ofMinutes(7));
    assertThat(state(s)).isEqualTo(ServiceState.RUNNING);
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(state(s)).isEqualTo(ServiceState.STOPPING);

    Service other = service(ServiceState.RUNNING, 5, true);
    idle.passed(other.id());
    setScaling(other, 5, false);
    idle.passed(other.id());
    assertThat(scheduler.pending()).isZero();
    scheduler.advance(Duration.ofHours(1));
    assertThat(state(other)).isEqualTo(ServiceState.RUNNING);
  }

  @Test
  void aServiceThatIsNotRunningHasNoDeadline() {
    Service s = service(ServiceState.RUNNING, 5, true);
    idle.passed(s.id());
    store.mutateService(
        s.id(),
        c -> c.withDesiredState(DesiredState.STOPPED).withState(ServiceState.STOPPED, null));
    idle.passed(s.id());

    assertThat(scheduler.pending()).isZero();
  }

  @Test
  void manyPassesKeepOneDeadline() {
    Service s = service(ServiceState.RUNNING, 5, true);
    for (int i = 0; i < 5; i++) {
      idle.passed(s.id());
      scheduler.advance(SECOND);
    }

    assertThat(scheduler.pending()).isEqualTo(1);
  }

  @Test
  void theTimeoutCountsFromWhenItRunsAgain() {
    Service s = service(ServiceState.IDLE, 5, true);
    idle.passed(s.id());
    scheduler.advance(Duration.ofHours(1));
    store.mutateService(s.id(), c -> c.withState(ServiceState.RUNNING, null));
    idle.passed(s.id());

    scheduler.advance(TIMEOUT.minus(SECOND));
    assertThat(state(s)).isEqualTo(ServiceState.RUNNING);
    scheduler.advance(SECOND);
    assertThat(state(s)).isEqualTo(ServiceState.STOPPING);
  }

  private ServiceState state(Service s) {
    return store.findService(s.id()).orElseThrow().state();
  }

  private void setScaling(Service s, int minutes, boolean idleScaling) {
    store.mutateService(
        s.id(), c -> c.withSpec(c.spec().withScaling(scaling(minutes, idleScaling))));
  }

  private static Scaling scaling(int minutes, boolean idleScaling) {
    return new Scaling(null, null, null, null, null, null, null, null, idleScaling, minutes);
  }

  private Service service(ServiceState state, int idleMinutes, boolean idleScaling) {
    ServiceSpec spec =
        new ServiceSpec(
            "idle-" + port,
            "aws",
            "eu-west-1",
            "production",
            List.of(new IpAccessEntry("127.0.0.1", "")),
            scaling(idleMinutes, idleScaling),
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
    return s;
  }
}
