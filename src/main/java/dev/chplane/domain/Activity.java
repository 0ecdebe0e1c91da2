package dev.chplane.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * One entry of an organization's activity log: who ({@code actorType} {@code api} with the key id,
 * or {@code system}) did what ({@link ActivityType}) to which service or key, and when. Activities
 * are written in the same store transaction as the change they record and are never changed. Fields
 * that do not apply are null.
 */
public record Activity(
    UUID id,
    Instant createdAt,
    ActivityType type,
    String actorType,
    String actorId,
    String actorDetails,
    String actorIpAddress,
    String userAgent,
    UUID organizationId,
    UUID serviceId,
    UUID targetKeyId,
    String keyUpdateType) {}
