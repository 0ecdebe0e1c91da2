package dev.chplane.reconcile;

import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServiceState;
import dev.chplane.provision.Provisioner;
import dev.chplane.store.MetadataStore;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the server of every service that is {@code running} (or {@code degraded}) for an answer to
 * chplane's own query every {@code every}, allowing it {@code every} to answer. After {@link
 * #FAILURES_TO_DEGRADE} checks in a row without an answer the service is {@code degraded} (the
 * reason goes to the log and to the service's failure reason); the first answered check makes it
 * {@code running} again. A server that answers slowly but within the bound, or answers with an
 * error, is alive and stays {@code running}; several misses in a row are needed, so a server under
 * load does not flap. The server is not restarted for it: one that exited is restarted by the
 * reconciler, which treats a degraded service like a running one.
 *
 * <p>The state it writes on an answer is derived from the service's replicas ({@link
 * ReplicaHealth}): {@code running} with one replica, {@code partially_running} or {@code degraded}
 * when the provisioner reports replicas that are not ready. A change of readiness (the first check
 * without an answer after one with, the miss that makes it degraded, or the first answer after a
 * miss) triggers a reconcile pass of the service ({@code readinessChanged}), so that a server that
 * exited or recovered is acted on without waiting for the drift check.
 */
public final class ReadinessCheck implements AutoCloseable {
  /** Checks in a row without an answer that make a service degraded. */
  public static final int FAILURES_TO_DEGRADE = 3;

  private static final Logger log = LoggerFactory.getLogger(ReadinessCheck.class);

  private final MetadataStore store;
  private final Provisioner provisioner;
  private final Duration every;
  private final ReplicaHealth health;
  private final Consumer<UUID> readinessChanged;
  private final ToIntFunction<Service> desiredReplicas;
  private final Map<UUID, Integer> failures = new ConcurrentHashMap<>();
  private final Set<UUID> checking = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "readiness"));
  private final ExecutorService workers =
      Executors.newCachedThreadPool(r -> daemon(r, "readiness-check"));

  /**
   * @param readinessChanged hears of each change of a service's readiness (the reconcile loop's
   *     trigger)
   */
  public ReadinessCheck(
      MetadataStore store,
      Provisioner provisioner,
      Duration every,
      Consumer<UUID> readinessChanged) {
    this(store, provisioner, every, readinessChanged, s -> DeploymentPlanner.desired(s).replicas());
  }

  /**
   * @param desiredReplicas how many replicas a service's plan asks for
   */
  ReadinessCheck(
      MetadataStore store,
      Provisioner provisioner,
      Duration every,
      Consumer<UUID> readinessChanged,
      ToIntFunction<Service> desiredReplicas) {
    this.desiredReplicas = desiredReplicas;
    this.store = store;
    this.provisioner = provisioner;
    this.every = every;
    this.health = new ReplicaHealth(provisioner);
    this.readinessChanged = readinessChanged;
  }

  public void start() {
    timer.scheduleWithFixedDelay(
        this::checkAll, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void checkAll() {
    try {
      for (Service s : store.listAllServices()) {
        if (checked(s) && checking.add(s.id())) {
          workers.execute(
              () -> {
                try {
                  check(s.id());
                } catch (RuntimeException e) {
                  log.error("service {}: readiness check failed: {}", s.id(), e.toString());
                } finally {
                  checking.remove(s.id());
                }
              });
        } else if (!checked(s)) {
          failures.remove(s.id());
        }
      }
    } catch (RuntimeException e) {
      log.error("readiness checks: cannot list services, the next round retries: {}", e.toString());
    }
  }

  private static boolean checked(Service s) {
    return s.desiredState() == DesiredState.RUNNING
        && !s.goingIdle()
        && ReplicaHealth.up(s.state());
  }

  /** One check of one service; package-private so that tests drive it without the timer. */
  void check(UUID id) {
    Service s = store.findService(id).filter(ReadinessCheck::checked).orElse(null);
    if (s == null) {
      failures.remove(id);
      return;
    }
    if (provisioner.answers(s.id(), every)) {
      boolean hadMissed = failures.remove(id) != null;
      if (s.state() == ServiceState.DEGRADED) {
        ServiceState derived = health.afterStart(id, desiredReplicas.applyAsInt(s));
        Service after =
            store.mutateService(
                id,
                c ->
                    checked(c) && c.state() == ServiceState.DEGRADED
                        ? c.withState(derived, null)
                        : c);
        if (after.state() == derived) {
          log.info(
              "service {} ({}) is {} again: its server answers",
              id,
              s.spec().name(),
              derived.wire());
        }
      }
      if (hadMissed) {
        readinessChanged.accept(id);
      }
      return;
    }
    int missed = failures.merge(id, 1, Integer::sum);
    if (missed == 1) {
      readinessChanged.accept(id);
    }
    if (missed >= FAILURES_TO_DEGRADE && s.state() != ServiceState.DEGRADED) {
      String reason =
          "clickhouse-server did not answer chplane's query within "
              + every.toSeconds()
              + " s, "
              + missed
              + " times in a row";
      ServiceState before = s.state();
      Service after =
          store.mutateService(
              id,
              c ->
                  checked(c) && c.state() == before
                      ? c.withState(ServiceState.DEGRADED, reason)
                      : c);
      if (after.state() == ServiceState.DEGRADED) {
        log.warn("service {} ({}) is degraded: {}", id, s.spec().name(), reason);
        // the pass lets what follows the service's state (idle scaling) see it degraded
        readinessChanged.accept(id);
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
