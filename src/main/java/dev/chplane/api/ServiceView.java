package dev.chplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.domain.BackupConfiguration;
import dev.chplane.domain.IpAccessEntry;
import dev.chplane.domain.Scaling;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServiceSpec;
import dev.chplane.domain.Tag;

/**
 * The wire form of a service ({@code Service} in the official document). Values the client set are
 * echoed as sent; {@code tier} appears only if it was sent; {@code isPrimary}, {@code idleScaling},
 * {@code autoscalingMode} and {@code currentScaling} always appear. {@code dataWarehouseId} is the
 * warehouse's primary's id for every member (a primary's own id). Secrets never do.
 */
final class ServiceView {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final String advertiseHost;

  String advertiseHost() {
    return advertiseHost;
  }

  ServiceView(String advertiseHost) {
    this.advertiseHost = advertiseHost;
  }

  ObjectNode service(Service s) {
    ServiceSpec spec = s.spec();
    Scaling sc = spec.scaling();
    ObjectNode out = JSON.objectNode();
    out.put("id", s.id().toString());
    out.put("name", spec.name());
    out.put("provider", spec.provider());
    out.put("region", spec.region());
    out.put("state", s.state().wire());
    if (s.clickhouseVersion() != null) {
      out.put("clickhouseVersion", s.clickhouseVersion());
    }
    ArrayNode endpoints = out.putArray("endpoints");
    endpoints
        .addObject()
        .put("protocol", "nativesecure")
        .put("host", advertiseHost)
        .put("port", s.ports().nativeSecure());
    endpoints
        .addObject()
        .put("protocol", "https")
        .put("host", advertiseHost)
        .put("port", s.ports().https());
    if (spec.tier() != null) {
      out.put("tier", spec.tier());
    }
    putIfSet(out, "minTotalMemoryGb", sc.minTotalMemoryGb());
    putIfSet(out, "maxTotalMemoryGb", sc.maxTotalMemoryGb());
    out.put(
        "minReplicaMemoryGb",
        sc.minReplicaMemoryGb() != null
            ? sc.minReplicaMemoryGb()
            : sc.effectiveMinReplicaMemoryGb());
    out.put(
        "maxReplicaMemoryGb",
        sc.maxReplicaMemoryGb() != null
            ? sc.maxReplicaMemoryGb()
            : sc.effectiveMaxReplicaMemoryGb());
    if (sc.minReplicas() != null) {
      out.put("minReplicas", sc.minReplicas());
      out.put("maxReplicas", sc.maxReplicas());
    } else {
      out.put("numReplicas", sc.numReplicas() != null ? sc.numReplicas() : sc.plannedReplicas());
    }
    out.put("autoscalingMode", sc.effectiveAutoscalingMode());
    out.put("idleScaling", sc.idleScalingOrDefault());
    putIfSet(out, "idleTimeoutMinutes", sc.idleTimeoutMinutes());
    ArrayNode ips = out.putArray("ipAccessList");
    for (IpAccessEntry e : spec.ipAccessList()) {
      ips.add(ipEntry(e));
    }
    out.put("createdAt", s.createdAt().toString());
    out.putArray("privateEndpointIds");
    out.put("dataWarehouseId", s.warehouseId().toString());
    out.put("isPrimary", s.isPrimary());
    out.put("isReadonly", spec.readonly());
    out.put("releaseChannel", spec.releaseChannel() != null ? spec.releaseChannel() : "default");
    out.put("hasTransparentDataEncryption", false);
    ArrayNode tags = out.putArray("tags");
    for (Tag t : spec.tags()) {
      ObjectNode tag = tags.addObject().put("key", t.key());
      if (t.value() != null) {
        tag.put("value", t.value());
      }
    }
    if (spec.enableCoreDumps() != null) {
      out.put("enableCoreDumps", spec.enableCoreDumps());
    }
    out.set("currentScaling", currentScaling(sc));
    return out;
  }

  /**
   * What is applied now: in vertical mode the replica count that runs (min = max), in horizontal
   * mode the band the load scaler keeps the count in.
   */
  private static ObjectNode currentScaling(Scaling sc) {
    ObjectNode out = JSON.objectNode();
    out.put("effectiveAutoscalingMode", sc.effectiveAutoscalingMode());
    out.put("effectiveMinReplicaMemoryGb", sc.effectiveMinReplicaMemoryGb());
    out.put("effectiveMaxReplicaMemoryGb", sc.effectiveMaxReplicaMemoryGb());
    out.put(
        "effectiveMinReplicas", sc.horizontal() ? sc.effectiveMinReplicas() : sc.plannedReplicas());
    out.put(
        "effectiveMaxReplicas", sc.horizontal() ? sc.effectiveMaxReplicas() : sc.plannedReplicas());
    out.put("effectiveIdleScaling", sc.idleScalingOrDefault());
    out.put("effectiveIdleTimeoutMinutes", sc.effectiveIdleTimeoutMinutes());
    return out;
  }

  static ObjectNode backupConfiguration(BackupConfiguration c) {
    ObjectNode out = JSON.objectNode();
    if (c.startTime() == null) {
      out.put("backupPeriodInHours", c.effectivePeriodHours());
    } else if (c.periodHours() != null) {
      out.put("backupPeriodInHours", c.periodHours());
    }
    out.put("backupRetentionPeriodInHours", c.effectiveRetentionHours());
    if (c.startTime() != null) {
      out.put("backupStartTime", c.startTime());
    }
    return out;
  }

  /** An IP list entry as it was sent: a description that was not sent is not written either. */
  static ObjectNode ipEntry(IpAccessEntry e) {
    ObjectNode out = JSON.objectNode().put("source", e.source());
    if (e.description() != null) {
      out.put("description", e.description());
    }
    return out;
  }

  private static void putIfSet(ObjectNode out, String field, Integer value) {
    if (value != null) {
      out.put(field, value);
    }
  }
}
