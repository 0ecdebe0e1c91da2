package dev.chplane.domain;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An API key. Only the SHA-256 of its secret is kept ({@code secretSha256Hex}); the secret is shown
 * once, at creation. {@code expireAt} null means the key never expires.
 */
public record ApiKey(
    UUID id,
    UUID organizationId,
    String name,
    String secretSha256Hex,
    List<String> roles,
    String state,
    Instant createdAt,
    Instant expireAt) {

  public ApiKey {
    roles = List.copyOf(roles);
  }

  public boolean enabled() {
    return "enabled".equals(state);
  }

  public boolean expiredAt(Instant now) {
    return expireAt != null && !now.isBefore(expireAt);
  }

  /** The last characters of the key id, which clients use to recognise their own key. */
  public String keySuffix() {
    String text = id.toString();
    return text.substring(text.length() - 4);
  }
}
