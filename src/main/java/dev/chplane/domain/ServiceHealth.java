package dev.chplane.domain;

import java.util.List;

/**
 * The state of a service that should run, derived from its replicas: {@link ServiceState#RUNNING}
 * when every desired replica is ready, {@link ServiceState#DEGRADED} when some are ready and at
 * least one has failed, {@link ServiceState#PARTIALLY_RUNNING} when some are ready and the others
 * are starting (or not there yet), {@link ServiceState#FAILED} when none is ready and every one
 * that exists has failed, and {@link ServiceState#STARTING} otherwise (none ready yet).
 */
public final class ServiceHealth {
  private ServiceHealth() {}

  /**
   * @param desiredReplicas how many replicas the plan asks for, at least one
   * @param replicas the observed state of each replica that exists, in any order
   */
  public static ServiceState derive(int desiredReplicas, List<ReplicaState> replicas) {
    if (desiredReplicas < 1) {
      throw new IllegalArgumentException(
          "a running service wants at least one replica, not " + desiredReplicas);
    }
    long ready = replicas.stream().filter(r -> r == ReplicaState.READY).count();
    long failed = replicas.stream().filter(r -> r == ReplicaState.FAILED).count();
    if (ready >= desiredReplicas) {
      return ServiceState.RUNNING;
    }
    if (ready > 0) {
      return failed > 0 ? ServiceState.DEGRADED : ServiceState.PARTIALLY_RUNNING;
    }
    return failed > 0 && failed == replicas.size() ? ServiceState.FAILED : ServiceState.STARTING;
  }
}
