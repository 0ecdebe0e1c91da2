package dev.chplane.reconcile;

import dev.chplane.domain.ActivityType;
import dev.chplane.domain.Actor;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Scaling;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServiceState;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.ServiceConnector;
import dev.chplane.store.MetadataStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Horizontal autoscaling: a service in {@code horizontal} mode runs between {@code minReplicas} and
 * {@code maxReplicas} replicas, as many as its CPU load asks for ({@link LoadPolicy}; by default
 * one more above 70 % of a core per replica on average over 60 s, one fewer below 20 %, at most one
 * change per 5 minutes; the installation options can change these). The count chosen is stored with
 * the service's scaling ({@link Scaling#currentReplicas}) together with the time of the change
 * ({@link Scaling#autoscaledAt}), recorded as a system activity that says why, and applied by the
 * reconciler like any change of the replica count.
 *
 * <p>The load is the CPU time the replicas' servers spent on queries: the growth of the {@code
 * UserTimeMicroseconds} and {@code SystemTimeMicroseconds} profile events of {@code system.events}
 * (both exist on ClickHouse 18.16), read from each replica every {@link LoadPolicy#sampleEvery}
 * through {@link ServiceConnector#replicaAccess}. Samples are taken while every replica is ready
 * (the service is {@code running}); the window starts over when the count changes or a replica
 * restarts.
 *
 * <p>Nothing here polls every service: each service in horizontal mode that is up has one sampling
 * timer, set when a reconcile pass over it ends ({@link ReconcileLoop#onPass}) and dropped once it
 * is no longer up or no longer horizontal. The cool-down runs from the stored time of the last
 * change (wall clock), so a chplane restart does not shorten it; the window starts empty after a
 * restart.
 */
public final class LoadScaler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LoadScaler.class);

  static final String CPU_QUERY =
      "SELECT sum(value) FROM system.events"
          + " WHERE event IN ('UserTimeMicroseconds', 'SystemTimeMicroseconds')";

  private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);

  /** Reads the cumulative CPU microseconds of each replica, by index; empty if one fails. */
  interface CpuSampler {
    Optional<long[]> sample(UUID serviceId, int replicas);
  }

  private final MetadataStore store;
  private final CpuSampler sampler;
  private final Consumer<UUID> trigger;
  private final Scheduler scheduler;
  private final LongSupplier nanoTime;
  private final Clock clock;
  private final LoadPolicy policy;
  private final Map<UUID, Scheduler.Cancellable> timers = new ConcurrentHashMap<>();
  private final Map<UUID, CpuWindow> windows = new ConcurrentHashMap<>();

  public LoadScaler(
      MetadataStore store, ServiceConnector servers, ReconcileLoop loop, LoadPolicy policy) {
    this(
        store,
        replicaCpu(servers),
        loop::trigger,
        new ExecutorScheduler("load-scaler"),
        System::nanoTime,
        Clock.systemUTC(),
        policy);
    loop.onPass(this::passed);
  }

  /**
   * @param trigger asks the reconciler for a pass over a service (after a change of its count)
   * @param scheduler runs the sampling timers; closed with this
   * @param nanoTime the clock of {@code scheduler}
   * @param clock the wall clock of the stored time of a change (the cool-down outlasts a restart)
   */
  LoadScaler(
      MetadataStore store,
      CpuSampler sampler,
      Consumer<UUID> trigger,
      Scheduler scheduler,
      LongSupplier nanoTime,
      Clock clock,
      LoadPolicy policy) {
    this.store = store;
    this.sampler = sampler;
    this.trigger = trigger;
    this.scheduler = scheduler;
    this.nanoTime = nanoTime;
    this.clock = clock;
    this.policy = policy;
  }

  /** Sets the timer of every horizontal service once; from then on reconcile passes keep them. */
  public void start() {
    try {
      store.listAllServices().forEach(this::follow);
    } catch (RuntimeException e) {
      log.error(
          "load scaling: cannot list services; the next drift check sets their timers: {}",
          e.toString());
    }
  }

  /** A reconcile pass over the service ended. */
  void passed(UUID id) {
    store.findService(id).ifPresentOrElse(this::follow, () -> forget(id));
  }

  private void follow(Service s) {
    if (scaled(s)) {
      timers.computeIfAbsent(
          s.id(), id -> scheduler.schedule(policy.sampleEvery(), () -> tick(id)));
    } else {
      forget(s.id());
    }
  }

  private static boolean scaled(Service s) {
    return s.spec().scaling().horizontal()
        && s.desiredState() == DesiredState.RUNNING
        && !s.goingIdle()
        && s.servesQueries();
  }

  private void forget(UUID id) {
    Scheduler.Cancellable timer = timers.remove(id);
    if (timer != null) {
      timer.cancel();
    }
    windows.remove(id);
  }

  /** One sample of one service, and a decision when its window is full. */
  private void tick(UUID id) {
    timers.remove(id);
    try {
      Service s = store.findService(id).orElse(null);
      if (s == null || !scaled(s)) {
        forget(id);
        return;
      }
      sampleAndDecide(s);
    } catch (RuntimeException e) {
      log.error("service {}: load scaling check failed: {}", id, e.toString());
    }
    store
        .findService(id)
        .filter(LoadScaler::scaled)
        .ifPresent(
            s ->
                timers.computeIfAbsent(
                    id, k -> scheduler.schedule(policy.sampleEvery(), () -> tick(k))));
  }

  private void sampleAndDecide(Service s) {
    CpuWindow window = windows.computeIfAbsent(s.id(), k -> new CpuWindow(policy.window()));
    Scaling scaling = s.spec().scaling();
    int replicas = scaling.plannedReplicas();
    if (s.state() != ServiceState.RUNNING) {
      // a replica is starting, catching up or failed: its load says nothing yet
      window.clear();
      return;
    }
    Optional<long[]> cpu = sampler.sample(s.id(), replicas);
    if (cpu.isEmpty()) {
      window.clear();
      return;
    }
    long now = nanoTime.getAsLong();
    window.add(now, cpu.get());
    Optional<LoadPolicy.Change> change =
        policy.decide(
            replicas,
            scaling.effectiveMinReplicas(),
            scaling.effectiveMaxReplicas(),
            window.coresPerReplica(),
            sinceLastChange(scaling));
    change.ifPresent(c -> apply(s, c));
  }

  /**
   * The time since the stored last change; none when there was none, or when it lies in the future
   * (the wall clock was set back: waiting for it would stop scaling for as long).
   */
  private Optional<Duration> sinceLastChange(Scaling scaling) {
    Instant at = scaling.autoscaledAt();
    if (at == null) {
      return Optional.empty();
    }
    Duration since = Duration.between(at, clock.instant());
    return since.isNegative() ? Optional.empty() : Optional.of(since);
  }

  private void apply(Service s, LoadPolicy.Change c) {
    Instant at = clock.instant();
    String why = c.why() + ": " + c.from() + " -> " + c.to() + " replicas";
    Service after =
        store.mutateService(
            s.id(),
            current ->
                current.spec().scaling().horizontal()
                        && current.spec().scaling().plannedReplicas() == c.from()
                    ? current.withSpec(
                        current
                            .spec()
                            .withScaling(current.spec().scaling().withAutoscaled(c.to(), at)))
                    : current,
            (before, changed) ->
                changed.spec().scaling().plannedReplicas()
                        != before.spec().scaling().plannedReplicas()
                    ? List.of(
                        Actor.system(why)
                            .did(
                                ActivityType.SERVICE_UPDATE_AUTOSCALING_REPLICAS,
                                s.organizationId(),
                                s.id()))
                    : List.of());
    windows.remove(s.id());
    if (after.spec().scaling().plannedReplicas() == c.to()) {
      log.info("service {} ({}): horizontal autoscaling: {}", s.id(), s.spec().name(), why);
      trigger.accept(s.id());
    }
  }

  /** The CPU counters of each replica, read through {@code servers}. */
  static CpuSampler replicaCpu(ServiceConnector servers) {
    return (id, replicas) -> {
      long[] out = new long[replicas];
      for (int i = 0; i < replicas; i++) {
        try {
          out[i] =
              Long.parseLong(servers.replicaAccess(id, i).query(CPU_QUERY, QUERY_TIMEOUT).trim());
        } catch (ProvisionException | NumberFormatException e) {
          log.debug("service {}: CPU of replica {} not read: {}", id, i, e.toString());
          return Optional.empty();
        }
      }
      return Optional.of(out);
    };
  }

  @Override
  public void close() {
    scheduler.close();
  }
}
