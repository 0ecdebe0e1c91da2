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
import java.time.Duration;
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
 * {@code maxReplicas} replicas, as many as its CPU load asks for ({@link LoadPolicy}: one more
 * above 70 % of a core per replica on average over 60 s, one fewer below 20 %, at most one change
 * per 5 minutes). The count chosen is stored with the service's scaling ({@link
 * Scaling#currentReplicas}), recorded as a system activity that says why, and applied by the
 * reconciler like any change of the replica count.
 *
 * <p>The load is the CPU time the replicas' servers spent on queries: the growth of the {@code
 * UserTimeMicroseconds} and {@code SystemTimeMicroseconds} profile events of {@code system.events}
 * (both exist on ClickHouse 18.16), read from each replica every {@link LoadPolicy#SAMPLE_EVERY}
 * through {@link ServiceConnector#replicaAccess}. Samples are taken while every replica is ready
 * (the service is {@code running}); the window starts over when the count changes or a replica
 * restarts.
 *
 * <p>Nothing here polls every service: each service in horizontal mode that is up has one sampling
 * timer, set when a reconcile pass over it ends ({@link ReconcileLoop#onPass}) and dropped once it
 * is no longer up or no longer horizontal. The last change of each count is kept in memory, so
 * after a chplane restart the first change waits only for a full window.
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
  private final Map<UUID, Scheduler.Cancellable> timers = new ConcurrentHashMap<>();
  private final Map<UUID, CpuWindow> windows = new ConcurrentHashMap<>();
  private final Map<UUID, Long> lastChange = new ConcurrentHashMap<>();

  public LoadScaler(MetadataStore store, ServiceConnector servers, ReconcileLoop loop) {
    this(
        store,
        replicaCpu(servers),
        loop::trigger,
        new ExecutorScheduler("load-scaler"),
        System::nanoTime);
    loop.onPass(this::passed);
  }

  /**
   * @param trigger asks the reconciler for a pass over a service (after a change of its count)
   * @param scheduler runs the sampling timers; closed with this
   * @param nanoTime the clock of {@code scheduler}
   */
  LoadScaler(
      MetadataStore store,
      CpuSampler sampler,
      Consumer<UUID> trigger,
      Scheduler scheduler,
      LongSupplier nanoTime) {
    this.store = store;
    this.sampler = sampler;
    this.trigger = trigger;
    this.scheduler = scheduler;
    this.nanoTime = nanoTime;
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
          s.id(), id -> scheduler.schedule(LoadPolicy.SAMPLE_EVERY, () -> tick(id)));
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
                    id, k -> scheduler.schedule(LoadPolicy.SAMPLE_EVERY, () -> tick(k))));
  }

  private void sampleAndDecide(Service s) {
    CpuWindow window = windows.computeIfAbsent(s.id(), k -> new CpuWindow(LoadPolicy.WINDOW));
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
    Long last = lastChange.get(s.id());
    Optional<LoadPolicy.Change> change =
        LoadPolicy.decide(
            replicas,
            scaling.effectiveMinReplicas(),
            scaling.effectiveMaxReplicas(),
            window.coresPerReplica(),
            last == null ? Optional.empty() : Optional.of(Duration.ofNanos(now - last)));
    change.ifPresent(c -> apply(s, c, now));
  }

  private void apply(Service s, LoadPolicy.Change c, long now) {
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
                            .withScaling(current.spec().scaling().withCurrentReplicas(c.to())))
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
      lastChange.put(s.id(), now);
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
