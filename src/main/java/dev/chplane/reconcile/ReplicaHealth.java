package dev.chplane.reconcile;

import dev.chplane.domain.ReplicaState;
import dev.chplane.domain.ServiceHealth;
import dev.chplane.domain.ServiceState;
import dev.chplane.provision.Provisioner;
import java.util.List;
import java.util.UUID;

/**
 * The observed state of a service that should run, derived by {@link ServiceHealth} from the phases
 * its provisioner reports for its replicas: {@code running}, {@code partially_running} or {@code
 * degraded} once at least one replica answers. With one replica this is {@code running} whenever
 * its server answers, as before replicas existed.
 */
final class ReplicaHealth {
  private final Provisioner provisioner;

  ReplicaHealth(Provisioner provisioner) {
    this.provisioner = provisioner;
  }

  /** The states of a service with at least one replica that answers. */
  static boolean up(ServiceState state) {
    return state == ServiceState.RUNNING
        || state == ServiceState.PARTIALLY_RUNNING
        || state == ServiceState.DEGRADED;
  }

  /**
   * What the provisioner's report says now; {@code starting} or {@code failed} when no replica is
   * ready.
   */
  ServiceState derive(UUID id, int desiredReplicas) {
    List<ReplicaState> phases =
        provisioner.replicas(id).stream().map(r -> r.phase().observed()).toList();
    return ServiceHealth.derive(desiredReplicas, phases);
  }

  /**
   * The state after {@link Provisioner#start} returned, which means a replica answered: an up
   * state, whatever a report taken meanwhile says (a provisioner that reports no replica ready then
   * counts as one ready replica).
   */
  ServiceState afterStart(UUID id, int desiredReplicas) {
    ServiceState derived = derive(id, desiredReplicas);
    return up(derived)
        ? derived
        : ServiceHealth.derive(desiredReplicas, List.of(ReplicaState.READY));
  }
}
