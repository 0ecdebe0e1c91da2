package dev.chplane.reconcile;

import dev.chplane.domain.ActivityType;
import dev.chplane.domain.Actor;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServiceState;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.Provisioner;
import dev.chplane.provision.ReplicaPhase;
import dev.chplane.provision.ReplicaStatus;
import dev.chplane.provision.ServiceDeployment;
import dev.chplane.provision.TableConversion;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the replicas of a service that is up ({@code running}, {@code partially_running} or {@code
 * degraded}) as its plan says: every planned replica (index below {@link
 * ServiceDeployment#replicas()}) runs, and none beyond. A planned replica that is {@code FAILED},
 * {@code STOPPED} or missing from the provisioner's report, or any replica beyond the plan, makes
 * it call {@link Provisioner#start} again, which launches the missing ones and removes the extra
 * ones. Restarts of replicas that exited by themselves wait for the service's {@link StartBackoff}
 * (each is logged and recorded as a system activity); starts of replicas the plan added and
 * removals do not wait.
 *
 * <p>The state written first is what the report says before anything is done (so one dead replica
 * of three shows {@code degraded} while it restarts), and again after the start. A start that
 * throws while some replica is ready leaves the service up (the failed replica makes it {@code
 * degraded}) and retries after the backoff; only when no replica answers is the service {@code
 * failed}.
 */
final class PlannedReplicas {
  private static final Logger log = LoggerFactory.getLogger(PlannedReplicas.class);

  /** Marks a service failed; returns when to try again. */
  interface Failure {
    Optional<Duration> failed(Service s, String reason, String activity);
  }

  private final ServiceStates states;
  private final Provisioner provisioner;
  private final Duration startTimeout;
  private final AppliedDeployments applied;
  private final StartBackoff backoff;
  private final ReplicaHealth health;
  private final Failure failure;
  private final TableConversion conversion = new TableConversion();

  PlannedReplicas(
      ServiceStates states,
      Provisioner provisioner,
      Duration startTimeout,
      AppliedDeployments applied,
      StartBackoff backoff,
      ReplicaHealth health,
      Failure failure) {
    this.states = states;
    this.provisioner = provisioner;
    this.startTimeout = startTimeout;
    this.applied = applied;
    this.backoff = backoff;
    this.health = health;
    this.failure = failure;
  }

  /** What differs between the plan and the report. */
  record Drift(List<Integer> failed, List<Integer> missing, List<Integer> extra) {
    boolean none() {
      return failed.isEmpty() && missing.isEmpty() && extra.isEmpty();
    }

    /**
     * @param planned how many replicas the plan wants
     */
    static Drift of(int planned, List<ReplicaStatus> report) {
      Set<Integer> present =
          report.stream()
              .filter(r -> r.phase() == ReplicaPhase.READY || r.phase() == ReplicaPhase.STARTING)
              .map(ReplicaStatus::index)
              .collect(Collectors.toSet());
      List<Integer> failed =
          report.stream()
              .filter(r -> r.index() < planned && r.phase() == ReplicaPhase.FAILED)
              .map(ReplicaStatus::index)
              .sorted()
              .toList();
      List<Integer> missing =
          java.util.stream.IntStream.range(0, planned)
              .filter(i -> !present.contains(i) && !failed.contains(i))
              .boxed()
              .toList();
      List<Integer> extra =
          report.stream()
              .filter(r -> r.index() >= planned && r.phase() != ReplicaPhase.STOPPED)
              .map(ReplicaStatus::index)
              .sorted()
              .toList();
      return new Drift(failed, missing, extra);
    }
  }

  /**
   * Makes the running replicas apply the deployment; while a replica is down its failure to do so
   * is logged, not a failure of the service (the replica applies it when it starts again).
   */
  private void applyWhileDegraded(Service s, ServiceDeployment deployment) {
    try {
      applied.applyIfChanged(provisioner, deployment);
    } catch (ProvisionException e) {
      log.warn(
          "service {} ({}): not every replica applied the configuration yet: {}",
          s.id(),
          s.spec().name(),
          e.getMessage());
    }
  }

  /**
   * Before a service that runs one replica gets more, turns its plain MergeTree-family tables into
   * Replicated ones on that replica, so that the new replicas copy them with their rows (see {@link
   * TableConversion}). When a table cannot be converted, the new replicas are not started: the
   * service keeps its one replica, says why in the log and the activity log, and tries again after
   * the backoff.
   */
  private Optional<Duration> convertBeforeScaleUp(Service s, int planned, Drift drift) {
    if (planned < 2 || drift.missing().isEmpty()) {
      return Optional.empty();
    }
    List<Integer> serving =
        provisioner.replicas(s.id()).stream()
            .filter(r -> r.phase() == ReplicaPhase.READY)
            .map(ReplicaStatus::index)
            .toList();
    if (serving.size() != 1 || drift.missing().size() != planned - 1) {
      return Optional.empty();
    }
    try {
      TableConversion.Result result =
          conversion.prepareScaleUp(provisioner.replicaAccess(s.id(), serving.get(0)));
      if (!result.converted().isEmpty()) {
        log.info(
            "service {} ({}): converted to Replicated before adding replicas: {}",
            s.id(),
            s.spec().name(),
            result.converted());
      }
      return Optional.empty();
    } catch (ProvisionException e) {
      Duration next = backoff.failed(s.id());
      String why = "replicas not added: " + e.getMessage();
      log.error(
          "service {} ({}): {}; next attempt in {} s",
          s.id(),
          s.spec().name(),
          why,
          next.toSeconds());
      states.record(
          Actor.system(why)
              .did(ActivityType.SERVICE_UPDATE_AUTOSCALING_REPLICAS, s.organizationId(), s.id()));
      return Optional.of(next);
    }
  }

  /**
   * One pass over a service that is up and whose provisioner has some replica running.
   *
   * @return when the service needs its next pass (a replica restart waits for its backoff)
   */
  Optional<Duration> keepPlanned(Service s, ServiceDeployment deployment)
      throws ProvisionException {
    UUID id = s.id();
    int planned = deployment.replicas();
    // a degraded state with a reason is the readiness check's: only an answer ends it
    boolean readinessDegraded = s.state() == ServiceState.DEGRADED && s.failureReason() != null;
    ServiceState state =
        readinessDegraded
            ? s.state()
            : EnsureRunning.rederive(states, health, id, s.state(), planned);
    Drift drift = Drift.of(planned, provisioner.replicas(id));
    if (drift.none()) {
      backoff.reset(id);
      applied.applyIfChanged(provisioner, deployment);
      return Optional.empty();
    }
    if (!drift.failed().isEmpty()) {
      Optional<Duration> wait = backoff.remaining(id);
      if (wait.isPresent()) {
        applyWhileDegraded(s, deployment);
        return wait;
      }
      for (int index : drift.failed()) {
        String why = "replica " + index + " exited unexpectedly: restarting it";
        log.warn("service {} ({}): {}", id, s.spec().name(), why);
        states.record(Actor.system(why).did(ActivityType.SERVICE_START, s.organizationId(), id));
      }
    }
    if (!drift.missing().isEmpty() || !drift.extra().isEmpty()) {
      log.info(
          "service {} ({}): {} planned replicas; starting {}, removing {}",
          id,
          s.spec().name(),
          planned,
          drift.missing(),
          drift.extra());
    }
    Optional<Duration> refused = convertBeforeScaleUp(s, planned, drift);
    if (refused.isPresent()) {
      return refused;
    }
    try {
      provisioner.start(deployment, startTimeout);
    } catch (ProvisionException e) {
      ServiceState derived = health.derive(id, planned);
      if (!ReplicaHealth.up(derived)) {
        return failure.failed(s, e.getMessage(), "clickhouse-server failed: " + e.getMessage());
      }
      Duration next = backoff.failed(id);
      log.error(
          "service {} ({}): a replica did not start: {}; the others serve, the next attempt is in"
              + " {} s",
          id,
          s.spec().name(),
          e.getMessage(),
          next.toSeconds());
      if (!readinessDegraded) {
        EnsureRunning.rederive(states, health, id, state, planned);
      }
      return Optional.of(next);
    }
    applyWhileDegraded(s, deployment);
    Drift after = Drift.of(planned, provisioner.replicas(id));
    if (!readinessDegraded) {
      EnsureRunning.rederive(states, health, id, state, planned);
    }
    if (!after.failed().isEmpty()) {
      Duration next = backoff.failed(id);
      log.warn(
          "service {} ({}): replicas {} failed again; the next attempt is in {} s",
          id,
          s.spec().name(),
          after.failed(),
          next.toSeconds());
      return Optional.of(next);
    }
    backoff.reset(id);
    return Optional.empty();
  }
}
