package dev.chplane.domain;

/** What one replica of a service is doing, as observed; the input of {@link ServiceHealth}. */
public enum ReplicaState {
  /** Launched, not answering yet. */
  STARTING,
  /** Answers queries. */
  READY,
  /** Could not start, or exited without being asked to. */
  FAILED,
  /** Not running. */
  STOPPED
}
