package dev.chplane.domain;

import java.time.Instant;

/**
 * The scaling fields of a service as the client set them; null means "not set". Values are echoed
 * as sent; {@link #effective...} methods give what is applied. {@link #currentReplicas} is not a
 * client field: it is the replica count chplane's load scaler chose for a service in {@code
 * horizontal} mode (null until it chose one), kept with the rest so that it survives a restart;
 * {@link #autoscaledAt} is when it last changed that count (null if never), so that its cool-down
 * survives a restart too.
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
    Integer idleTimeoutMinutes,
    Integer currentReplicas,
    Instant autoscaledAt) {

  public static final int DEFAULT_REPLICA_MEMORY_GB = 8;
  public static final int DEFAULT_IDLE_TIMEOUT_MINUTES = 15;

  /**
   * The replica count of a service that asked for none: the official default of the BASIC tier
   * (SCALE and ENTERPRISE default to 3; chplane has no organization tiers, and one server per
   * service keeps a default installation small).
   */
  public static final int DEFAULT_NUM_REPLICAS = 1;

  /** The official limits of every replica count field. */
  public static final int MIN_REPLICAS = 1;

  public static final int MAX_REPLICAS = 20;

  /** The client fields only; the load scaler has chosen nothing yet. */
  public Scaling(
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
    this(
        autoscalingMode,
        minReplicaMemoryGb,
        maxReplicaMemoryGb,
        numReplicas,
        minReplicas,
        maxReplicas,
        minTotalMemoryGb,
        maxTotalMemoryGb,
        idleScaling,
        idleTimeoutMinutes,
        null,
        null);
  }

  /** The client fields and the load scaler's choice, with no time of change known. */
  public Scaling(
      String autoscalingMode,
      Integer minReplicaMemoryGb,
      Integer maxReplicaMemoryGb,
      Integer numReplicas,
      Integer minReplicas,
      Integer maxReplicas,
      Integer minTotalMemoryGb,
      Integer maxTotalMemoryGb,
      Boolean idleScaling,
      Integer idleTimeoutMinutes,
      Integer currentReplicas) {
    this(
        autoscalingMode,
        minReplicaMemoryGb,
        maxReplicaMemoryGb,
        numReplicas,
        minReplicas,
        maxReplicas,
        minTotalMemoryGb,
        maxTotalMemoryGb,
        idleScaling,
        idleTimeoutMinutes,
        currentReplicas,
        null);
  }

  public static Scaling defaults() {
    return new Scaling(null, null, null, null, null, null, null, null, null, null);
  }

  public String effectiveAutoscalingMode() {
    return autoscalingMode == null ? "vertical" : autoscalingMode;
  }

  /** The replica count varies with load, between {@link #effectiveMinReplicas} and max. */
  public boolean horizontal() {
    return "horizontal".equals(autoscalingMode);
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
   * The fixed count of vertical mode: {@code numReplicas}, else an equal {@code minReplicas} /
   * {@code maxReplicas} pair (the official "vertical fixed count"), else {@link
   * #DEFAULT_NUM_REPLICAS}.
   */
  private int fixedReplicas() {
    if (numReplicas != null) {
      return numReplicas;
    }
    return minReplicas != null ? minReplicas : DEFAULT_NUM_REPLICAS;
  }

  /**
   * The lowest replica count in effect: the band's minimum in horizontal mode (the fixed count when
   * no band was given), the fixed count in vertical mode.
   */
  public int effectiveMinReplicas() {
    return horizontal() && minReplicas != null ? minReplicas : fixedReplicas();
  }

  /** The highest replica count in effect; see {@link #effectiveMinReplicas}. */
  public int effectiveMaxReplicas() {
    return horizontal() && maxReplicas != null ? maxReplicas : fixedReplicas();
  }

  /**
   * How many replicas chplane runs for the service: the fixed count in vertical mode; in horizontal
   * mode the count the load scaler chose ({@link #currentReplicas}, the band's minimum before it
   * chose one), kept within the band. The deployment plan comes from here.
   */
  public int plannedReplicas() {
    int min = effectiveMinReplicas();
    int max = effectiveMaxReplicas();
    if (!horizontal() || currentReplicas == null) {
      return min;
    }
    return Math.max(min, Math.min(max, currentReplicas));
  }

  /** The same, with the load scaler's choice of replica count (its time of change kept). */
  public Scaling withCurrentReplicas(Integer value) {
    return withAutoscaled(value, autoscaledAt);
  }

  /** The same, with the load scaler's choice of replica count made at {@code at}. */
  public Scaling withAutoscaled(Integer value, Instant at) {
    return new Scaling(
        autoscalingMode,
        minReplicaMemoryGb,
        maxReplicaMemoryGb,
        numReplicas,
        minReplicas,
        maxReplicas,
        minTotalMemoryGb,
        maxTotalMemoryGb,
        idleScaling,
        idleTimeoutMinutes,
        value,
        at);
  }

  public boolean idleScalingOrDefault() {
    return idleScaling == null || idleScaling;
  }

  public int effectiveIdleTimeoutMinutes() {
    return idleTimeoutMinutes == null ? DEFAULT_IDLE_TIMEOUT_MINUTES : idleTimeoutMinutes;
  }
}
