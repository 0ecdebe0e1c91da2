package dev.chplane.reconcile;

import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServiceState;
import dev.chplane.exposure.Exposure;
import dev.chplane.provision.Provisioner;
import dev.chplane.provision.ServiceDeployment;
import dev.chplane.store.MetadataStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Drives one service from what its user asked ({@link Service#desiredState()}, its spec) toward
 * what runs, and writes the observed state after each step. A pass is a fixed sequence of named,
 * idempotent steps:
 *
 * <ol>
 *   <li>{@link ExposeStep}: its public endpoints are exposed (withdrawn once it is being deleted);
 *   <li>one state step, chosen by what the user asked: {@link EnsureRunning} (with {@link
 *       RestoreFromBackup} and {@link StartBackoff}), {@link GoIdle} while idle scaling holds it,
 *       {@link EnsureStopped} or {@link EnsureDeleted}.
 * </ol>
 *
 * A pass may stop at any point (crash, kill -9) and the next pass carries on from what it finds.
 * Passes for one service never overlap ({@link ReconcileLoop} sees to that).
 */
public final class ServiceReconciler implements Reconciler {
  private final MetadataStore store;
  private final ExposeStep expose;
  private final StartBackoff backoff;
  private final StateStep ensureRunning;
  private final StateStep goIdle;
  private final StateStep ensureStopped;
  private final StateStep ensureDeleted;

  /**
   * @param bindAddress where the service's public endpoints listen
   * @param clock the time {@link StartBackoff} counts in
   */
  public ServiceReconciler(
      MetadataStore store,
      Provisioner provisioner,
      Duration startTimeout,
      Duration stopGrace,
      RestoreStep restore,
      Exposure exposure,
      String bindAddress,
      Clock clock) {
    this(
        store,
        provisioner,
        startTimeout,
        stopGrace,
        restore,
        exposure,
        bindAddress,
        clock,
        DeploymentPlanner::desired);
  }

  /**
   * @param plan the deployment plan of a service (tests plan several replicas, which the planner
   *     does not yet)
   */
  ServiceReconciler(
      MetadataStore store,
      Provisioner provisioner,
      Duration startTimeout,
      Duration stopGrace,
      RestoreStep restore,
      Exposure exposure,
      String bindAddress,
      Clock clock,
      Function<Service, ServiceDeployment> plan) {
    this.store = store;
    ServiceStates states = new ServiceStates(store);
    AppliedDeployments applied = new AppliedDeployments();
    this.backoff = new StartBackoff(clock);
    this.expose = new ExposeStep(exposure, provisioner, bindAddress);
    this.ensureRunning =
        new EnsureRunning(
            states,
            provisioner,
            startTimeout,
            applied,
            new RestoreFromBackup(provisioner, startTimeout, applied, restore),
            backoff,
            new ReplicaHealth(provisioner),
            plan);
    this.goIdle = new GoIdle(states, provisioner, stopGrace, applied);
    this.ensureStopped = new EnsureStopped(states, provisioner, stopGrace, applied);
    this.ensureDeleted = new EnsureDeleted(states, provisioner, applied);
  }

  /** One pass for one service; returns when it needs the next one, if a retry is due. */
  @Override
  public Optional<Duration> reconcile(UUID id) {
    Optional<Service> found = store.findService(id);
    if (found.isEmpty()) {
      backoff.reset(id);
      return Optional.empty();
    }
    Service service = found.get();
    expose.run(service);
    if (service.desiredState() != DesiredState.RUNNING) {
      // a stop or delete ends any backoff; a later start tries at once
      backoff.reset(id);
    }
    Optional<Duration> next = stateStep(service).run(service);
    if (service.desiredState() == DesiredState.RUNNING) {
      // replicas that became ready (or left) during the step take traffic now, not on the next pass
      store.findService(id).ifPresent(expose::run);
    }
    return next;
  }

  private StateStep stateStep(Service s) {
    return switch (s.desiredState()) {
      case RUNNING -> s.goingIdle() || s.state() == ServiceState.IDLE ? goIdle : ensureRunning;
      case STOPPED -> ensureStopped;
      case DELETED -> ensureDeleted;
    };
  }
}
