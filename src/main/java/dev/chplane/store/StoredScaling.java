package dev.chplane.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.chplane.domain.Scaling;

/**
 * A service's scaling fields as stored; every one may be null or absent ("not set", as in the
 * domain).
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
  "idleTimeoutMinutes"
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
    @JsonProperty("idleTimeoutMinutes") Integer idleTimeoutMinutes) {

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
        s.idleTimeoutMinutes());
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
        idleTimeoutMinutes);
  }
}
