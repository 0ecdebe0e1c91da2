package dev.chplane.reconcile;

import dev.chplane.domain.ActivityType;
import dev.chplane.domain.Actor;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServiceState;
import dev.chplane.exposure.ConnectionGate;
import dev.chplane.exposure.ServiceActivity;
import dev.chplane.store.MetadataStore;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idle scaling: a running service with {@code idleScaling} and no connection through the edge for
 * {@code idleTimeoutMinutes} goes idle: {@code stopping} while its server stops, {@code idle} once
 * it has exited (its data stays). A new connection or an {@code awake} command wakes it, also while
 * it is still going idle ({@code awaking} → {@code running}), and the waiting connection then goes
 * through. This class only writes the decisions; {@link ServiceReconciler} stops and starts the
 * server. A service with a running pipe never goes idle. {@code minute} is how long a minute of the
 * timeout lasts (shorter in tests and demos).
 */
public final class IdleScaler implements ConnectionGate, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IdleScaler.class);
  private static final Duration WAKE_TIMEOUT = Duration.ofSeconds(90);

  private final MetadataStore store;
  private final ServiceActivity activity;
  private final ReconcileLoop loop;
  private final Duration minute;
  private final Predicate<UUID> hasRunningPipes;
  /** When each service was last asked for (a connection, a query, a wake), as {@link System#nanoTime()}. */
  private final java.util.Map<UUID, Long> lastUse = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<UUID, ServiceState> lastSeen = new java.util.concurrent.ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "idle-scaler");
    t.setDaemon(true);
    return t;
  });

  public IdleScaler(MetadataStore store, ServiceActivity activity, ReconcileLoop loop, Duration minute,
      Predicate<UUID> hasRunningPipes) {
    this.store = store;
    this.activity = activity;
    this.loop = loop;
    this.minute = minute;
    this.hasRunningPipes = hasRunningPipes;
  }

  public void start() {
    long every = Math.max(200, minute.toMillis() / 6);
    timer.scheduleWithFixedDelay(this::checkAll, every, every, TimeUnit.MILLISECONDS);
  }

  private void checkAll() {
    try {
      long now = System.nanoTime();
      for (Service s : store.listAllServices()) {
        // the timeout counts from when a service (re)started running, e.g. after a wake
        if (lastSeen.put(s.id(), s.state()) != ServiceState.RUNNING && s.state() == ServiceState.RUNNING) {
          lastUse.put(s.id(), now);
        }
        if (s.state() == ServiceState.RUNNING && s.desiredState() == DesiredState.RUNNING
            && s.spec().scaling().idleScalingOrDefault() && activity.openConnections(s.id()) == 0
            && now - Math.max(activity.lastActivityNanos(s.id()), lastUse.getOrDefault(s.id(), 0L)) > minute.multipliedBy(s.spec().scaling().effectiveIdleTimeoutMinutes()).toNanos()
            && !hasRunningPipes.test(s.id())) {
          goIdle(s);
        }
      }
    } catch (RuntimeException e) {
      log.error("idle check failed; the next one retries: {}", e.toString());
    }
  }

  private void goIdle(Service s) {
    Service stopping = store.mutateService(s.id(), c -> c.state() == ServiceState.RUNNING && c.desiredState() == DesiredState.RUNNING
        ? c.withState(ServiceState.STOPPING, null) : c, (before, after) -> after.goingIdle()
        ? List.of(Actor.system("no connection for " + s.spec().scaling().effectiveIdleTimeoutMinutes() + " minutes")
            .did(ActivityType.SERVICE_IDLE, s.organizationId(), s.id()))
        : List.of());
    if (stopping.goingIdle()) {
      log.info("service {} ({}) goes idle: stopping its server, keeping its data", s.id(), s.spec().name());
      // the reconciler stops the server, in the same order as every other change of the service
      loop.trigger(s.id());
    }
  }

  /**
   * Wakes an idle service, or one still going idle (the {@code awake} command, or a connection); a
   * no-op otherwise.
   */
  public Service wake(UUID id, Actor actor) {
    lastUse.put(id, System.nanoTime());
    Service woken = store.mutateService(id, c -> c.wakeable() ? c.withState(ServiceState.AWAKING, null) : c,
        (before, after) -> before.wakeable()
            ? List.of(actor.did(ActivityType.SERVICE_AWAKEN, after.organizationId(), id)) : List.of());
    loop.trigger(id);
    return woken;
  }

  @Override
  public CompletableFuture<Void> ready(UUID id) {
    lastUse.put(id, System.nanoTime());
    Service s = store.findService(id).orElse(null);
    if (s == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("service " + id + " is gone"));
    }
    if (s.state() == ServiceState.RUNNING || s.state() == ServiceState.DEGRADED) {
      // a degraded server still runs: its clients may get through where chplane's check did not
      return CompletableFuture.completedFuture(null);
    }
    if (s.wakeable()) {
      wake(id, Actor.system("a client connected to the idle service"));
    } else if (s.state() != ServiceState.AWAKING && s.state() != ServiceState.STARTING
        && s.state() != ServiceState.PROVISIONING) {
      return CompletableFuture.failedFuture(new IllegalStateException("service " + id + " is " + s.state().wire()));
    }
    CompletableFuture<Void> ready = new CompletableFuture<>();
    ready.whenComplete((ok, failed) -> lastUse.put(id, System.nanoTime()));
    long deadline = System.nanoTime() + WAKE_TIMEOUT.toNanos();
    Runnable[] poll = new Runnable[1];
    poll[0] = () -> {
      ServiceState state = store.findService(id).map(Service::state).orElse(ServiceState.TERMINATED);
      if (state == ServiceState.RUNNING) {
        ready.complete(null);
      } else if ((state == ServiceState.AWAKING || state == ServiceState.STARTING || state == ServiceState.PROVISIONING)
          && System.nanoTime() < deadline) {
        timer.schedule(poll[0], 25, TimeUnit.MILLISECONDS);
      } else {
        ready.completeExceptionally(new IllegalStateException("service " + id + " did not wake: " + state.wire()));
      }
    };
    timer.execute(poll[0]);
    return ready;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
