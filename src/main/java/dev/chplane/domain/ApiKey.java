package dev.chplane.domain;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An API key. {@link #id} names the resource; the key id a client authenticates with is kept only
 * as its SHA-256 ({@link #keyIdSha256Hex}) and its last four characters ({@link #keySuffix}), the
 * secret only as its SHA-256. Both are shown once, at creation, or never (when the client sent
 * {@code hashData}). {@code expireAt} null means the key never expires. Roles are the official
 * {@code admin}, {@code developer} and {@code query_endpoints}.
 */
public record ApiKey(
    UUID id,
    UUID organizationId,
    String name,
    String keyIdSha256Hex,
    String keySuffix,
    String secretSha256Hex,
    List<String> roles,
    String state,
    Instant createdAt,
    Instant expireAt,
    Instant usedAt,
    List<IpAccessEntry> ipAccessList,
    long version) {

  public static final String ADMIN = "admin";
  public static final String DEVELOPER = "developer";
  public static final String QUERY_ENDPOINTS = "query_endpoints";

  public ApiKey {
    roles = List.copyOf(roles);
    ipAccessList = List.copyOf(ipAccessList);
  }

  public boolean enabled() {
    return "enabled".equals(state);
  }

  public boolean expiredAt(Instant now) {
    return expireAt != null && !now.isBefore(expireAt);
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  public ApiKey withVersion(long value) {
    return new ApiKey(
        id,
        organizationId,
        name,
        keyIdSha256Hex,
        keySuffix,
        secretSha256Hex,
        roles,
        state,
        createdAt,
        expireAt,
        usedAt,
        ipAccessList,
        value);
  }

  public ApiKey withUsedAt(Instant value) {
    return new ApiKey(
        id,
        organizationId,
        name,
        keyIdSha256Hex,
        keySuffix,
        secretSha256Hex,
        roles,
        state,
        createdAt,
        expireAt,
        value,
        ipAccessList,
        version);
  }

  /** The fields a key PATCH may change. */
  public ApiKey withSettings(
      String newName,
      List<String> newRoles,
      String newState,
      Instant newExpireAt,
      List<IpAccessEntry> newIpAccessList) {
    return new ApiKey(
        id,
        organizationId,
        newName,
        keyIdSha256Hex,
        keySuffix,
        secretSha256Hex,
        newRoles,
        newState,
        createdAt,
        newExpireAt,
        usedAt,
        newIpAccessList,
        version);
  }
}
