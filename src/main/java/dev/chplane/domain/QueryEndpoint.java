package dev.chplane.domain;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * A service's query endpoint: which API keys (by their resource id) may run SQL on the service over
 * HTTP, under which role, and from which browser origins. A service has at most one. {@code
 * allowedOrigins} is kept exactly as the client sent it (comma-separated; empty = none).
 */
public record QueryEndpoint(
    UUID id,
    UUID organizationId,
    UUID serviceId,
    List<String> roles,
    List<UUID> openApiKeys,
    String allowedOrigins,
    Instant createdAt,
    Instant updatedAt) {

  public static final String READ_ONLY = "sql_console_read_only";
  public static final String ADMIN = "sql_console_admin";
  public static final Set<String> ROLES = Set.of(READ_ONLY, ADMIN);

  public QueryEndpoint {
    roles = List.copyOf(roles);
    openApiKeys = List.copyOf(openApiKeys);
  }

  public boolean allowsKey(UUID keyId) {
    return openApiKeys.contains(keyId);
  }

  /** Without {@code sql_console_admin} among its roles, queries may only read. */
  public boolean readOnly() {
    return !roles.contains(ADMIN);
  }

  /**
   * Whether a browser page from {@code origin} (e.g. {@code https://app.example.com}) may call the
   * endpoint: an entry {@code *} admits any origin, an entry with a scheme must equal the origin,
   * an entry without one ({@code app.example.com}) admits that host under any scheme.
   * Case-insensitive.
   */
  public boolean allowsOrigin(String origin) {
    if (origin == null || origin.isBlank()) {
      return false;
    }
    String o = origin.strip().toLowerCase(Locale.ROOT);
    int scheme = o.indexOf("://");
    String host = scheme < 0 ? o : o.substring(scheme + 3);
    for (String entry : origins(allowedOrigins)) {
      String e = entry.toLowerCase(Locale.ROOT);
      if (e.equals("*") || e.equals(o) || (!e.contains("://") && e.equals(host))) {
        return true;
      }
    }
    return false;
  }

  /** The entries of a comma-separated origin list, trimmed, empty ones left out. */
  public static List<String> origins(String allowedOrigins) {
    return java.util.Arrays.stream(allowedOrigins.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  public QueryEndpoint withSettings(
      List<String> newRoles, List<UUID> newKeys, String newOrigins, Instant now) {
    return new QueryEndpoint(
        id, organizationId, serviceId, newRoles, newKeys, newOrigins, createdAt, now);
  }
}
