package dev.chplane.api;

import dev.chplane.domain.ApiKey;
import dev.chplane.domain.IpAccessEntry;
import dev.chplane.domain.IpSource;
import dev.chplane.service.ApiKeys;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/** Reads key create and update bodies ({@code ApiKeyPostRequest}, {@code ApiKeyPatchRequest}). */
final class KeyRequests {
  private static final Set<String> STATES = Set.of("enabled", "disabled");

  private KeyRequests() {}

  static ApiKeys.NewKey create(JsonBody b) {
    String name = b.text("name", 1, 255).orElseThrow(() -> b.bad("name", "is required"));
    List<String> roles =
        roles(b)
            .orElseThrow(
                () ->
                    b.bad(
                        "roles",
                        "is required: give roles or assignedRoleIds with at least one role"));
    String state = b.oneOf("state", STATES).orElse("enabled");
    Instant expireAt = expireAt(b).orElse(null);
    List<IpAccessEntry> ips = ipAccessList(b).orElse(List.of(ApiKeys.ANYWHERE));
    ApiKeys.ClientHashes hashes = b.object("hashData").map(KeyRequests::hashes).orElse(null);
    return new ApiKeys.NewKey(name, roles, state, expireAt, ips, hashes);
  }

  static UnaryOperator<ApiKey> patch(JsonBody b) {
    Optional<String> name = b.text("name", 1, 255);
    Optional<List<String>> roles = roles(b);
    Optional<String> state = b.oneOf("state", STATES);
    boolean expirySent = b.isPresent("expireAt");
    Optional<Instant> expireAt = expireAt(b);
    Optional<List<IpAccessEntry>> ips = ipAccessList(b);
    return k ->
        k.withSettings(
            name.orElse(k.name()),
            roles.orElse(k.roles()),
            state.orElse(k.state()),
            expirySent ? expireAt.orElse(null) : k.expireAt(),
            ips.orElse(k.ipAccessList()));
  }

  private static Optional<List<String>> roles(JsonBody b) {
    Set<String> out = new LinkedHashSet<>();
    boolean sent = false;
    Optional<List<String>> names = b.strings("roles", 10);
    if (names.isPresent()) {
      sent = true;
      for (int i = 0; i < names.get().size(); i++) {
        String role = names.get().get(i);
        if (!SystemRoles.ROLES.contains(role)) {
          throw ApiException.badRequest(
              "roles["
                  + i
                  + "]: must be one of admin, developer, query_endpoints, got '"
                  + role
                  + "'");
        }
        out.add(role);
      }
    }
    Optional<List<String>> ids = b.strings("assignedRoleIds", 10);
    if (ids.isPresent()) {
      sent = true;
      for (int i = 0; i < ids.get().size(); i++) {
        String id = ids.get().get(i);
        int index = i;
        out.add(
            SystemRoles.byId(id)
                .orElseThrow(
                    () ->
                        ApiException.badRequest(
                            "assignedRoleIds["
                                + index
                                + "]: no role with id '"
                                + id
                                + "'; this installation has only the system roles Admin, Developer"
                                + " and Query Endpoints (custom roles are not available)")));
      }
    }
    if (sent && out.isEmpty()) {
      throw b.bad("roles", "must contain at least one role");
    }
    return sent ? Optional.of(List.copyOf(out)) : Optional.empty();
  }

  private static Optional<Instant> expireAt(JsonBody b) {
    // null or absent: the key never expires
    Optional<String> text = b.nullable("expireAt").string("expireAt");
    if (text.isEmpty() || text.get().isEmpty()) {
      return Optional.empty();
    }
    Instant at;
    try {
      at = OffsetDateTime.parse(text.get()).toInstant();
    } catch (DateTimeParseException e) {
      throw b.bad(
          "expireAt",
          "must be an ISO-8601 date-time such as 2030-01-31T12:00:00Z, got '" + text.get() + "'");
    }
    // it is echoed as an RFC 3339 date-time, whose year has four digits (Instant would write
    // +10000)
    int year = at.atOffset(ZoneOffset.UTC).getYear();
    if (year < 0 || year > 9999) {
      throw b.bad(
          "expireAt",
          "must be between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z, got '"
              + text.get()
              + "'");
    }
    return Optional.of(at);
  }

  private static Optional<List<IpAccessEntry>> ipAccessList(JsonBody b) {
    return b.objects("ipAccessList", 1000)
        .map(
            items -> {
              List<IpAccessEntry> out = new ArrayList<>();
              for (JsonBody item : items) {
                String source =
                    item.string("source").orElseThrow(() -> item.bad("source", "is required"));
                IpSource.validate(item.name("source"), source);
                out.add(new IpAccessEntry(source, item.text("description", 0, 255).orElse(null)));
              }
              return out;
            });
  }

  private static ApiKeys.ClientHashes hashes(JsonBody h) {
    String keyIdHash = digestHex(h, "keyIdHash");
    String secretHash = digestHex(h, "keySecretHash");
    String suffix =
        h.string("keyIdSuffix", 4, 4)
            .orElseThrow(
                () -> h.bad("keyIdSuffix", "is required (the last 4 characters of the key id)"));
    return new ApiKeys.ClientHashes(keyIdHash, suffix, secretHash);
  }

  private static String digestHex(JsonBody h, String field) {
    String value = h.string(field).orElseThrow(() -> h.bad(field, "is required"));
    try {
      byte[] digest = Base64.getDecoder().decode(value);
      if (digest.length == 32) {
        return HexFormat.of().formatHex(digest);
      }
    } catch (IllegalArgumentException e) {
      // reported below with the rule
    }
    throw h.bad(field, "must be base64 of a SHA-256 digest (32 bytes)");
  }
}
