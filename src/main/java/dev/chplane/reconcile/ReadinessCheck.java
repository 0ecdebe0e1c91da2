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
 */
public final class ReadinessCheck implements AutoCloseable {
  /** Checks in a row without an answer that make a service degraded. */
  public static final int FAILURES_TO_DEGRADE = 3;
  private static final Logger log = LoggerFactory.getLogger(ReadinessCheck.class);

  private final MetadataStore store;
  private final Provisioner provisioner;
  private final Duration every;
  private final Map<UUID, Integer> failures = new ConcurrentHashMap<>();
  private final Set<UUID> checking = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "readiness"));
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> daemon(r, "readiness-check"));

  public ReadinessCheck(MetadataStore store, Provisioner provisioner, Duration every) {
    this.store = store;
    this.provisioner = provisioner;
    this.every = every;
  }

  public void start() {
    timer.scheduleWithFixedDelay(this::checkAll, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void checkAll() {
    try {
      for (Service s : store.listAllServices()) {
        if (checked(s) && checking.add(s.id())) {
          workers.execute(() -> {
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
    return s.desiredState() == DesiredState.RUNNING && !s.goingIdle()
        && (s.state() == ServiceState.RUNNING || s.state() == ServiceState.DEGRADED);
  }

  private void check(UUID id) {
    Service s = store.findService(id).filter(ReadinessCheck::checked).orElse(null);
    if (s == null) {
      failures.remove(id);
      return;
    }
    if (provisioner.answers(s.id(), every)) {
      failures.remove(id);
      if (s.state() == ServiceState.DEGRADED) {
        Service after = store.mutateService(id, c -> checked(c) && c.state() == ServiceState.DEGRADED
            ? c.withState(ServiceState.RUNNING, null) : c);
        if (after.state() == ServiceState.RUNNING) {
          log.info("service {} ({}) is running again: its server answers", id, s.spec().name());
        }
      }
      return;
    }
    int missed = failures.merge(id, 1, Integer::sum);
    if (missed >= FAILURES_TO_DEGRADE && s.state() == ServiceState.RUNNING) {
      String reason = "clickhouse-server did not answer chplane's query within " + every.toSeconds() + " s, "
          + missed + " times in a row";
      Service after = store.mutateService(id, c -> checked(c) && c.state() == ServiceState.RUNNING
          ? c.withState(ServiceState.DEGRADED, reason) : c);
      if (after.state() == ServiceState.DEGRADED) {
        log.warn("service {} ({}) is degraded: {}", id, s.spec().name(), reason);
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
