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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
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
 *
 * <p>Nothing here runs periodically over every service. Each service that can go idle has one
 * deadline: its last use (the edge's last connection activity, a wake, or when it last became
 * {@code running}) plus its idle timeout. The deadline is set again at the end of every reconcile
 * pass over the service ({@link ReconcileLoop#onPass}): a change of state or of its settings (which
 * the API follows with a pass) moves it, and the loop's drift check (every {@code
 * reconcileInterval}, 30 s by default) is also this class's drift check. Activity moves it lazily:
 * a deadline that falls due reads the last use again and, if there was some since, sets itself for
 * the new time instead of acting, so a connection costs nothing here. A deadline that falls due
 * while a connection is open looks again one timeout later (a connection that closes touches the
 * last activity); one that falls due while a pipe runs looks again every {@code minute / 6} (at
 * least 200 ms), since a pipe's end is no event here.
 */
public final class IdleScaler implements ConnectionGate, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IdleScaler.class);
  private static final Duration WAKE_TIMEOUT = Duration.ofSeconds(90);

  /** How often a service waiting to wake is looked at, for a connection that waits for it. */
  private static final Duration WAKE_POLL = Duration.ofMillis(25);

  private final MetadataStore store;
  private final ServiceActivity activity;
  private final Consumer<UUID> trigger;
  private final Duration minute;
  private final Duration pipeRecheck;
  private final Predicate<UUID> hasRunningPipes;
  private final Scheduler scheduler;
  private final LongSupplier nanoTime;

  /**
   * When each service was last asked for (a connection, a query, a wake, a start), on {@link
   * #nanoTime}.
   */
  private final Map<UUID, Long> lastUse = new ConcurrentHashMap<>();

  private final Map<UUID, ServiceState> lastSeen = new ConcurrentHashMap<>();

  /** The one pending deadline of each service that can go idle; absent for the others. */
  private final Map<UUID, Deadline> deadlines = new ConcurrentHashMap<>();

  /** A service's pending deadline: when it falls due, on {@link #nanoTime}, and its timer. */
  private record Deadline(long dueNanos, Scheduler.Cancellable timer) {}

  public IdleScaler(
      MetadataStore store,
      ServiceActivity activity,
      ReconcileLoop loop,
      Duration minute,
      Predicate<UUID> hasRunningPipes) {
    this(
        store,
        activity,
        loop::trigger,
        minute,
        hasRunningPipes,
        new ExecutorScheduler("idle-scaler"),
        System::nanoTime);
    loop.onPass(this::passed);
  }

  /**
   * @param trigger asks the reconciler for a pass over a service
   * @param scheduler runs the deadlines and a waking connection's checks; closed with this
   * @param nanoTime the clock of {@code scheduler}, in which {@code activity} reports too
   */
  IdleScaler(
      MetadataStore store,
      ServiceActivity activity,
      Consumer<UUID> trigger,
      Duration minute,
      Predicate<UUID> hasRunningPipes,
      Scheduler scheduler,
      LongSupplier nanoTime) {
    this.store = store;
    this.activity = activity;
    this.trigger = trigger;
    this.minute = minute;
    this.pipeRecheck = Duration.ofMillis(Math.max(200, minute.toMillis() / 6));
    this.hasRunningPipes = hasRunningPipes;
    this.scheduler = scheduler;
    this.nanoTime = nanoTime;
  }

  /** Sets the deadline of every service once; from then on the reconcile passes keep them. */
  public void start() {
    try {
      store.listAllServices().forEach(this::follow);
    } catch (RuntimeException e) {
      log.error(
          "idle scaling: cannot list services; the next drift check sets their deadlines: {}",
          e.toString());
    }
  }

  /**
   * A reconcile pass over the service ended: its deadline follows what the pass or a command
   * changed.
   */
  void passed(UUID id) {
    store.findService(id).ifPresentOrElse(this::follow, () -> forget(id));
  }

  /**
   * Sets the service's deadline from what it is now, or drops it when the service cannot go idle.
   */
  private void follow(Service s) {
    long now = nanoTime.getAsLong();
    // the timeout counts from when a service (re)started running, e.g. after a wake
    ServiceState seen = lastSeen.put(s.id(), s.state());
    if ((seen == null || !seen.servesQueries()) && s.state().servesQueries()) {
      lastUse.put(s.id(), now);
    }
    if (canGoIdle(s)) {
      setDeadline(s.id(), lastUsed(s.id()) + timeout(s).toNanos());
    } else {
      cancel(s.id());
    }
  }

  private static boolean canGoIdle(Service s) {
    return s.servesQueries()
        && s.desiredState() == DesiredState.RUNNING
        && s.spec().scaling().idleScalingOrDefault();
  }

  private Duration timeout(Service s) {
    return minute.multipliedBy(s.spec().scaling().effectiveIdleTimeoutMinutes());
  }

  private long lastUsed(UUID id) {
    return Math.max(activity.lastActivityNanos(id), lastUse.getOrDefault(id, Long.MIN_VALUE));
  }

  /** Replaces the service's deadline by one at {@code dueNanos}, unless that is the one pending. */
  private void setDeadline(UUID id, long dueNanos) {
    deadlines.compute(
        id,
        (k, pending) -> {
          if (pending != null && pending.dueNanos() == dueNanos) {
            return pending;
          }
          if (pending != null) {
            pending.timer().cancel();
          }
          Duration delay = Duration.ofNanos(Math.max(0, dueNanos - nanoTime.getAsLong()));
          return new Deadline(dueNanos, scheduler.schedule(delay, () -> due(id, dueNanos)));
        });
  }

  private void cancel(UUID id) {
    Deadline pending = deadlines.remove(id);
    if (pending != null) {
      pending.timer().cancel();
    }
  }

  private void forget(UUID id) {
    cancel(id);
    lastUse.remove(id);
    lastSeen.remove(id);
  }

  /** A deadline fell due: the service goes idle unless something moved it or holds it up. */
  private void due(UUID id, long dueNanos) {
    try {
      Deadline pending = deadlines.get(id);
      if (pending == null || pending.dueNanos() != dueNanos) {
        return; // replaced meanwhile
      }
      Service s = store.findService(id).orElse(null);
      if (s == null || !canGoIdle(s)) {
        // the pass that made it so has dropped the deadline, or is about to
        cancel(id);
        return;
      }
      long now = nanoTime.getAsLong();
      Duration timeout = timeout(s);
      long due = lastUsed(id) + timeout.toNanos();
      if (due > now) {
        setDeadline(id, due); // used since the deadline was set
      } else if (activity.openConnections(id) > 0) {
        setDeadline(id, now + timeout.toNanos());
      } else if (hasRunningPipes.test(id)) {
        setDeadline(id, now + pipeRecheck.toNanos());
      } else {
        cancel(id);
        goIdle(s);
      }
    } catch (RuntimeException e) {
      log.error(
          "service {}: idle check failed; the next reconcile pass sets its deadline again: {}",
          id,
          e.toString());
    }
  }

  private void goIdle(Service s) {
    Service stopping =
        store.mutateService(
            s.id(),
            c ->
                c.servesQueries() && c.desiredState() == DesiredState.RUNNING
                    ? c.withState(ServiceState.STOPPING, null)
                    : c,
            (before, after) ->
                after.goingIdle()
                    ? List.of(
                        Actor.system(
                                "no connection for "
                                    + s.spec().scaling().effectiveIdleTimeoutMinutes()
                                    + " minutes")
                            .did(ActivityType.SERVICE_IDLE, s.organizationId(), s.id()))
                    : List.of());
    if (stopping.goingIdle()) {
      log.info(
          "service {} ({}) goes idle: stopping its server, keeping its data",
          s.id(),
          s.spec().name());
      // the reconciler stops the server, in the same order as every other change of the service
      trigger.accept(s.id());
    }
  }

  /**
   * Wakes an idle service, or one still going idle (the {@code awake} command, or a connection); a
   * no-op otherwise.
   */
  public Service wake(UUID id, Actor actor) {
    lastUse.put(id, nanoTime.getAsLong());
    Service woken =
        store.mutateService(
            id,
            c -> c.wakeable() ? c.withState(ServiceState.AWAKING, null) : c,
            (before, after) ->
                before.wakeable()
                    ? List.of(actor.did(ActivityType.SERVICE_AWAKEN, after.organizationId(), id))
                    : List.of());
    trigger.accept(id);
    return woken;
  }

  @Override
  public CompletableFuture<Void> ready(UUID id) {
    lastUse.put(id, nanoTime.getAsLong());
    Service s = store.findService(id).orElse(null);
    if (s == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("service " + id + " is gone"));
    }
    if (s.state().servesQueries()) {
      // a degraded server still runs: its clients may get through where chplane's check did not;
      // a partially running service has a ready replica, which takes the connection
      return CompletableFuture.completedFuture(null);
    }
    if (s.wakeable()) {
      wake(id, Actor.system("a client connected to the idle service"));
    } else if (s.state() != ServiceState.AWAKING
        && s.state() != ServiceState.STARTING
        && s.state() != ServiceState.PROVISIONING) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("service " + id + " is " + s.state().wire()));
    }
    CompletableFuture<Void> ready = new CompletableFuture<>();
    ready.whenComplete((ok, failed) -> lastUse.put(id, nanoTime.getAsLong()));
    long deadline = nanoTime.getAsLong() + WAKE_TIMEOUT.toNanos();
    Runnable[] poll = new Runnable[1];
    poll[0] =
        () -> {
          ServiceState state =
              store.findService(id).map(Service::state).orElse(ServiceState.TERMINATED);
          if (state.servesQueries()) {
            // the first ready replica takes the waking connection
            ready.complete(null);
          } else if ((state == ServiceState.AWAKING
                  || state == ServiceState.STARTING
                  || state == ServiceState.PROVISIONING)
              && nanoTime.getAsLong() < deadline) {
            scheduler.schedule(WAKE_POLL, poll[0]);
          } else {
            ready.completeExceptionally(
                new IllegalStateException("service " + id + " did not wake: " + state.wire()));
          }
        };
    scheduler.schedule(Duration.ZERO, poll[0]);
    return ready;
  }

  @Override
  public void close() {
    scheduler.close();
  }
}
