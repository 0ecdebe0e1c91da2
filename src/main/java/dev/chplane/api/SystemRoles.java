package dev.chplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.chplane.domain.ApiKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The three system roles a key can hold, under the deprecated {@code roles} names and as {@code
 * assignedRoles} with fixed ids. Custom roles do not exist in this installation.
 */
final class SystemRoles {
  private static final Map<String, UUID> IDS =
      Map.of(
          ApiKey.ADMIN, UUID.fromString("8a6a2c4e-0000-4000-8000-00000000ad01"),
          ApiKey.DEVELOPER, UUID.fromString("8a6a2c4e-0000-4000-8000-00000000de02"),
          ApiKey.QUERY_ENDPOINTS, UUID.fromString("8a6a2c4e-0000-4000-8000-00000000ce03"));
  private static final Map<String, String> NAMES =
      Map.of(
          ApiKey.ADMIN,
          "Admin",
          ApiKey.DEVELOPER,
          "Developer",
          ApiKey.QUERY_ENDPOINTS,
          "Query Endpoints");

  static final List<String> ROLES = List.of(ApiKey.ADMIN, ApiKey.DEVELOPER, ApiKey.QUERY_ENDPOINTS);

  private SystemRoles() {}

  static Optional<String> byId(String id) {
    return IDS.entrySet().stream()
        .filter(e -> e.getValue().toString().equalsIgnoreCase(id))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  static void write(ArrayNode out, List<String> roles) {
    for (String role : roles) {
      out.addObject()
          .put("roleId", IDS.get(role).toString())
          .put("roleName", NAMES.get(role))
          .put("roleType", "system");
    }
  }
}
