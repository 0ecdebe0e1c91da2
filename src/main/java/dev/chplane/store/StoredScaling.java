package dev.chplane.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.chplane.domain.Scaling;
import java.time.Instant;

/**
 * A service's scaling fields as stored; every one may be null or absent ("not set", as in the
 * domain). {@code currentReplicas} (the load scaler's choice) and {@code autoscaledAt} (when it
 * made it) appear only once it was made.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({
  "autoscalingMode",
  "minReplicaMemoryGb",
  "maxReplicaMemoryGb",
  "numReplicas",
  "minReplicas",
  "maxReplicas",
  "minTotalMemoryGb",
  "maxTotalMemoryGb",
  "idleScaling",
  "idleTimeoutMinutes",
  "currentReplicas",
  "autoscaledAt"
})
record StoredScaling(
    @JsonProperty("autoscalingMode") String autoscalingMode,
    @JsonProperty("minReplicaMemoryGb") Integer minReplicaMemoryGb,
    @JsonProperty("maxReplicaMemoryGb") Integer maxReplicaMemoryGb,
    @JsonProperty("numReplicas") Integer numReplicas,
    @JsonProperty("minReplicas") Integer minReplicas,
    @JsonProperty("maxReplicas") Integer maxReplicas,
    @JsonProperty("minTotalMemoryGb") Integer minTotalMemoryGb,
    @JsonProperty("maxTotalMemoryGb") Integer maxTotalMemoryGb,
    @JsonProperty("idleScaling") Boolean idleScaling,
    @JsonProperty("idleTimeoutMinutes") Integer idleTimeoutMinutes,
    // written only once the load scaler chose a count, so older stored specs read as before
    @JsonProperty("currentReplicas") @JsonInclude(JsonInclude.Include.NON_NULL)
        Integer currentReplicas,
    // when the load scaler last changed the count: its cool-down outlasts a restart of chplane
    @JsonProperty("autoscaledAt") @JsonInclude(JsonInclude.Include.NON_NULL) String autoscaledAt) {

  static StoredScaling from(Scaling s) {
    return new StoredScaling(
        s.autoscalingMode(),
        s.minReplicaMemoryGb(),
        s.maxReplicaMemoryGb(),
        s.numReplicas(),
        s.minReplicas(),
        s.maxReplicas(),
        s.minTotalMemoryGb(),
        s.maxTotalMemoryGb(),
        s.idleScaling(),
        s.idleTimeoutMinutes(),
        s.currentReplicas(),
        s.autoscaledAt() == null ? null : s.autoscaledAt().toString());
  }

  Scaling toDomain() {
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
        currentReplicas,
        autoscaledAt == null ? null : Instant.parse(autoscaledAt));
  }
}
