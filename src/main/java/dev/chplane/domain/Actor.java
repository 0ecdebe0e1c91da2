package dev.chplane.domain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Who makes a change: an API key (with the caller's address and user agent) or chplane itself.
 * Recording a change is one call: {@code tx.record(actor.did(type, org, serviceId))}.
 */
public record Actor(String type, String id, String ipAddress, String userAgent, String details) {

  public static Actor api(ApiKey key, String ipAddress, String userAgent) {
    return new Actor("api", key.id().toString(), ipAddress, userAgent, null);
  }

  public static Actor system(String details) {
    return new Actor("system", null, null, null, details);
  }

  public Activity did(ActivityType activity, UUID organizationId, UUID serviceId) {
    return new Activity(
        UUID.randomUUID(),
        Instant.now().truncatedTo(ChronoUnit.MILLIS),
        activity,
        type,
        id,
        details,
        ipAddress,
        userAgent,
        organizationId,
        serviceId,
        null,
        null);
  }

  public Activity didToKey(
      ActivityType activity, UUID organizationId, UUID keyId, String keyUpdateType) {
    return new Activity(
        UUID.randomUUID(),
        Instant.now().truncatedTo(ChronoUnit.MILLIS),
        activity,
        type,
        id,
        details,
        ipAddress,
        userAgent,
        organizationId,
        null,
        keyId,
        keyUpdateType);
  }
}
