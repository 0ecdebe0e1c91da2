package dev.chplane.domain;

/**
 * The scaling fields of a service as the client set them; null means "not set". Values are echoed
 * as sent; {@link #effective...} methods give what is applied.
 */
public record Scaling(
    String autoscalingMode,
    Integer minReplicaMemoryGb,
    Integer maxReplicaMemoryGb,
    Integer numReplicas,
    Integer minReplicas,
    Integer maxReplicas,
    Integer minTotalMemoryGb,
    Integer maxTotalMemoryGb,
    Boolean idleScaling,
    Integer idleTimeoutMinutes) {

  public static final int DEFAULT_REPLICA_MEMORY_GB = 8;
  public static final int DEFAULT_IDLE_TIMEOUT_MINUTES = 15;

  public static Scaling defaults() {
    return new Scaling(null, null, null, null, null, null, null, null, null, null);
  }

  public String effectiveAutoscalingMode() {
    return autoscalingMode == null ? "vertical" : autoscalingMode;
  }

  public int effectiveMinReplicaMemoryGb() {
    if (minReplicaMemoryGb != null) {
      return minReplicaMemoryGb;
    }
    return minTotalMemoryGb != null ? minTotalMemoryGb / 3 : DEFAULT_REPLICA_MEMORY_GB;
  }

  public int effectiveMaxReplicaMemoryGb() {
    if (maxReplicaMemoryGb != null) {
      return maxReplicaMemoryGb;
    }
    if (maxTotalMemoryGb != null) {
      return maxTotalMemoryGb / 3;
    }
    return Math.max(effectiveMinReplicaMemoryGb(), DEFAULT_REPLICA_MEMORY_GB);
  }

  /**
   * How many replicas chplane runs for the service: one, whatever was asked, until multi-replica
   * services exist. The deployment plan and the effective counts the API reports both come from
   * here.
   */
  public int plannedReplicas() {
    return 1;
  }

  public boolean idleScalingOrDefault() {
    return idleScaling == null || idleScaling;
  }

  public int effectiveIdleTimeoutMinutes() {
    return idleTimeoutMinutes == null ? DEFAULT_IDLE_TIMEOUT_MINUTES : idleTimeoutMinutes;
  }
}
