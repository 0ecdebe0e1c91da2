package dev.chplane.api;

import dev.chplane.domain.CloudCatalog;
import dev.chplane.domain.Scaling;
import java.util.Optional;

/**
 * Reads and checks the scaling fields of create, {@code /scaling} and {@code /replicaScaling}
 * bodies.
 */
final class ScalingRequests {

  /**
   * Merges the scaling fields present in {@code b} into {@code current} and checks the result.
   *
   * @param replicaFields whether the body may carry the per-replica fields (create, replicaScaling)
   */
  Scaling apply(JsonBody b, Scaling current, boolean replicaFields) {
    Optional<Integer> minTotal = b.wholeNumber("minTotalMemoryGb", 24, 1068, 12);
    Optional<Integer> maxTotal = b.wholeNumber("maxTotalMemoryGb", 24, 1068, 12);
    Optional<Integer> numReplicas = b.wholeNumber("numReplicas", 1, 20, 1);
    Optional<Boolean> idleScaling = b.bool("idleScaling");
    Optional<Integer> idleTimeout = b.wholeNumber("idleTimeoutMinutes", 5, 1_000_000, 1);
    Optional<String> mode = Optional.empty();
    Optional<Integer> minMemory = Optional.empty();
    Optional<Integer> maxMemory = Optional.empty();
    Optional<Integer> minReplicas = Optional.empty();
    Optional<Integer> maxReplicas = Optional.empty();
    if (replicaFields) {
      mode = b.oneOf("autoscalingMode", CloudCatalog.AUTOSCALING_MODES);
      minMemory = b.wholeNumber("minReplicaMemoryGb", 8, 356, 4);
      maxMemory = b.wholeNumber("maxReplicaMemoryGb", 8, 356, 4);
      minReplicas = b.wholeNumber("minReplicas", 1, 20, 1);
      maxReplicas = b.wholeNumber("maxReplicas", 1, 20, 1);
      if (minReplicas.isPresent() != maxReplicas.isPresent()) {
        throw ApiException.badRequest("minReplicas, maxReplicas: must be given together");
      }
      if (numReplicas.isPresent() && minReplicas.isPresent()) {
        throw ApiException.badRequest(
            "numReplicas: cannot be combined with minReplicas/maxReplicas");
      }
    }
    boolean replicaBand = minReplicas.isPresent();
    Scaling out =
        new Scaling(
            mode.orElse(current.autoscalingMode()),
            minMemory.orElse(current.minReplicaMemoryGb()),
            maxMemory.orElse(current.maxReplicaMemoryGb()),
            replicaBand ? null : numReplicas.orElse(current.numReplicas()),
            replicaBand
                ? minReplicas.get()
                : numReplicas.isPresent() ? null : current.minReplicas(),
            replicaBand
                ? maxReplicas.get()
                : numReplicas.isPresent() ? null : current.maxReplicas(),
            minTotal.orElse(current.minTotalMemoryGb()),
            maxTotal.orElse(current.maxTotalMemoryGb()),
            idleScaling.orElse(current.idleScaling()),
            idleTimeout.orElse(current.idleTimeoutMinutes()),
            // the load scaler's choice stays; plannedReplicas keeps it within a new band
            current.currentReplicas(),
            current.autoscaledAt());
    check(out);
    return out;
  }

  private static void check(Scaling s) {
    if (s.minReplicaMemoryGb() != null
        && s.maxReplicaMemoryGb() != null
        && s.minReplicaMemoryGb() > s.maxReplicaMemoryGb()) {
      throw ApiException.badRequest(
          "minReplicaMemoryGb: must not be greater than maxReplicaMemoryGb ("
              + s.minReplicaMemoryGb()
              + " > "
              + s.maxReplicaMemoryGb()
              + ")");
    }
    if (s.minTotalMemoryGb() != null
        && s.maxTotalMemoryGb() != null
        && s.minTotalMemoryGb() > s.maxTotalMemoryGb()) {
      throw ApiException.badRequest("minTotalMemoryGb: must not be greater than maxTotalMemoryGb");
    }
    if (s.minReplicas() != null && s.minReplicas() > s.maxReplicas()) {
      throw ApiException.badRequest(
          "minReplicas: must not be greater than maxReplicas ("
              + s.minReplicas()
              + " > "
              + s.maxReplicas()
              + ")");
    }
    if ("horizontal".equals(s.autoscalingMode())
        && s.minReplicaMemoryGb() != null
        && !s.minReplicaMemoryGb().equals(s.maxReplicaMemoryGb())) {
      throw ApiException.badRequest(
          "minReplicaMemoryGb: horizontal autoscaling needs minReplicaMemoryGb"
              + " equal to maxReplicaMemoryGb");
    }
  }
}
