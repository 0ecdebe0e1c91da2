package dev.chplane.provision;

/** What one replica is doing, as its provisioner observes it. */
public enum ReplicaPhase {
  /** Launched, not answering yet. */
  STARTING,
  /** Answers queries. */
  READY,
  /** Could not start, or exited without being asked to. */
  FAILED,
  /** Not running, as asked. */
  STOPPED
}
