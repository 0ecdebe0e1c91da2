package dev.chplane.provision;

import dev.chplane.domain.ReplicaState;

/** What one replica is doing, as its provisioner observes it. */
public enum ReplicaPhase {
  /** Launched, not answering yet. */
  STARTING,
  /** Answers queries. */
  READY,
  /** Could not start, or exited without being asked to. */
  FAILED,
  /** Not running, as asked. */
  STOPPED;

  /** The same, as the domain's {@link dev.chplane.domain.ServiceHealth} reads it. */
  public ReplicaState observed() {
    return ReplicaState.valueOf(name());
  }
}
