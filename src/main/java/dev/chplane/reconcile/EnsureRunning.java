package dev.chplane.reconcile;

import dev.chplane.domain.ActivityType;
import dev.chplane.domain.Actor;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServiceState;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.Provisioner;
import dev.chplane.provision.ServiceDeployment;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings up the server of a service its user wants running: adopts one that runs already, starts
 * one otherwise ({@code starting}, or the state's own transitional state: {@code provisioning},
 * {@code awaking}), restores a new service's backup first, and keeps a running server's
 * configuration applied.
 *
 * <p>A server that cannot start makes the service {@code failed} with the reason, and the step is
 * retried on its own after a growing delay ({@link StartBackoff}). Meanwhile, and during the retry
 * itself, the service stays {@code failed} with the reason of the last attempt; it becomes {@code
 * running} once a retry succeeds (recorded as a system activity). A user's start turns it {@code
 * starting} and tries at once.
 *
 * <p>While a service is up, {@link PlannedReplicas} keeps its replicas as planned: it restarts
 * replicas that exited (with the same backoff), starts added ones and removes those beyond the
 * plan.
 */
final class EnsureRunning implements StateStep {
  private static final Logger log = LoggerFactory.getLogger(EnsureRunning.class);

  private final ServiceStates states;
  private final Provisioner provisioner;
  private final Duration startTimeout;
  private final AppliedDeployments applied;
  private final RestoreFromBackup restore;
  private final StartBackoff backoff;
  private final ReplicaHealth health;
  private final Function<Service, ServiceDeployment> plan;
  private final PlannedReplicas replicas;

  /**
   * Services passed over since chplane started: the first pass of each says why it (re)starts a
   * server.
   */
  private final Set<UUID> seen = ConcurrentHashMap.newKeySet();

  EnsureRunning(
      ServiceStates states,
      Provisioner provisioner,
      Duration startTimeout,
      AppliedDeployments applied,
      RestoreFromBackup restore,
      StartBackoff backoff,
      ReplicaHealth health,
      Function<Service, ServiceDeployment> plan) {
    this.states = states;
    this.provisioner = provisioner;
    this.startTimeout = startTimeout;
    this.applied = applied;
    this.restore = restore;
    this.backoff = backoff;
    this.health = health;
    this.plan = plan;
    this.replicas =
        new PlannedReplicas(
            states, provisioner, startTimeout, applied, backoff, health, this::failed);
  }

  @Override
  public Optional<Duration> run(Service s) {
    boolean retry = s.state() == ServiceState.FAILED;
    if (retry) {
      Optional<Duration> wait = backoff.remaining(s.id());
      if (wait.isPresent()) {
        return wait;
      }
    } else if (!ReplicaHealth.up(s.state())) {
      // a service that is up keeps the backoff of its replica restarts
      backoff.reset(s.id());
    }
    boolean firstPass = seen.add(s.id());
    ServiceDeployment deployment = plan.apply(s);
    try {
      if (restoring(s)) {
        String version = restore.run(s, deployment);
        backoff.reset(s.id());
        states.running(
            s.id(),
            health.afterStart(s.id(), deployment.replicas()),
            version,
            retry ? retried(s) : null);
        return Optional.empty();
      }
      if (s.clickhouseVersion() != null && !provisioner.hasFiles(s.id())) {
        // a service that ran and lost its files fails rather than start again empty, which would
        // pass for a working service that lost every table
        return failed(
            s,
            "its files are missing from the data directory; chplane does not make the service again"
                + " empty: restore them, or restore a backup into a new service",
            null);
      }
      provisioner.configure(deployment);
      // a degraded server runs but did not answer the readiness check: it is left to recover
      boolean up = ReplicaHealth.up(s.state());
      if (provisioner.isRunning(s.id())) {
        if (up) {
          return replicas.keepPlanned(s, deployment);
        }
        // a server left running (by an earlier chplane, or a start cut short): adopt it
        String version = provisioner.start(deployment, startTimeout);
        applied.applyIfChanged(provisioner, deployment);
        backoff.reset(s.id());
        states.running(
            s.id(),
            health.afterStart(s.id(), deployment.replicas()),
            version,
            firstPass
                ? "adopted its running clickhouse-server after chplane restarted"
                : retry ? retried(s) : null);
        log.info("service {} ({}): adopted the running clickhouse-server", s.id(), s.spec().name());
        return Optional.empty();
      }
      if (!retry) {
        ServiceState transitional =
            s.state() == ServiceState.PROVISIONING || s.state() == ServiceState.AWAKING
                ? s.state()
                : ServiceState.STARTING;
        String why =
            !up
                ? null
                : firstPass
                    ? "restarting clickhouse-server after chplane restarted: it was not running"
                    : "clickhouse-server had exited unexpectedly: restarting it";
        states.set(
            s.id(),
            DesiredState.RUNNING,
            transitional,
            null,
            why == null
                ? null
                : Actor.system(why).did(ActivityType.SERVICE_START, s.organizationId(), s.id()));
      }
      log.info(
          "service {} ({}): starting clickhouse-server{}",
          s.id(),
          s.spec().name(),
          retry ? " (retry " + backoff.failures(s.id()) + " after it failed)" : "");
      String version = provisioner.start(deployment, startTimeout);
      applied.started(deployment);
      backoff.reset(s.id());
      states.running(
          s.id(),
          health.afterStart(s.id(), deployment.replicas()),
          version,
          retry ? retried(s) : null);
      return Optional.empty();
    } catch (ProvisionException e) {
      return failed(s, e.getMessage(), "clickhouse-server failed: " + e.getMessage());
    }
  }

  /**
   * Follows what the replicas of a service that is up report: between {@code running} and {@code
   * partially_running} or {@code degraded}. A report with no replica ready changes nothing here (a
   * server that exited is restarted on the pass its exit triggers). Returns the state the service
   * has now. (A service the readiness check made {@code degraded}, with its reason, is not passed
   * here: only an answer makes it {@code running} again.)
   */
  static ServiceState rederive(
      ServiceStates states, ReplicaHealth health, UUID id, ServiceState current, int desired) {
    ServiceState derived = health.derive(id, desired);
    if (ReplicaHealth.up(derived) && derived != current) {
      return states.rederived(id, current, derived);
    }
    return current;
  }

  /**
   * A new service made from a backup whose restore has not finished (it is provisioning, or failed
   * before it ever ran): the restore starts again from nothing.
   */
  private static boolean restoring(Service s) {
    return s.spec().restoreFrom() != null
        && (s.state() == ServiceState.PROVISIONING
            || s.state() == ServiceState.FAILED && s.clickhouseVersion() == null);
  }

  private static String retried(Service s) {
    return "clickhouse-server started on a retry after it had failed: " + s.failureReason();
  }

  /**
   * Marks the service failed and says when to try again; {@code activity} defaults to the reason.
   */
  Optional<Duration> failed(Service s, String reason, String activity) {
    applied.forget(s.id());
    Duration next = backoff.failed(s.id());
    log.error(
        "service {} ({}) failed: {}; the next attempt is in {} s",
        s.id(),
        s.spec().name(),
        reason,
        next.toSeconds());
    states.failed(s, reason, Actor.system(activity == null ? reason : activity));
    return Optional.of(next);
  }
}
