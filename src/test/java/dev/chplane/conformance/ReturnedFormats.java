package dev.chplane.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An explicit check, independent of the schema validator, that every id and timestamp chplane
 * returns is a real UUID (canonical, lower case) and a real RFC 3339 date-time. It applies to the
 * fields the official document types {@code format: uuid} or {@code format: date-time} in the
 * responses chplane implements, wherever they occur in a body.
 */
final class ReturnedFormats {
  static final Set<String> UUID_FIELDS = Set.of("requestId", "id", "roleId", "activeEntryId");
  static final Set<String> DATE_TIME_FIELDS = Set.of("createdAt", "expireAt", "usedAt");

  /** RFC 3339 section 5.6: four-digit year, seconds required, Z or a numeric offset. */
  private static final Pattern RFC_3339 =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})");

  /** Objects whose {@code id} is not a uuid in the official document. */
  private static final Set<String> NON_UUID_ID_PARENTS = Set.of("privateEndpoints", "byocConfig");

  private ReturnedFormats() {}

  /** Every uuid or date-time field of {@code body} whose value is not one; empty if all are. */
  static List<String> violations(JsonNode body) {
    List<String> out = new ArrayList<>();
    walk(body, "", "", out);
    return out;
  }

  static boolean isUuid(String value) {
    try {
      return value.length() == 36 && UUID.fromString(value).toString().equals(value);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static boolean isDateTime(String value) {
    if (!RFC_3339.matcher(value).matches()) {
      return false;
    }
    try {
      OffsetDateTime.parse(value.toUpperCase());
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static void walk(JsonNode node, String path, String parentField, List<String> out) {
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), path + "/" + i, parentField, out);
      }
      return;
    }
    if (!node.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String name = field.getKey();
      JsonNode value = field.getValue();
      String at = path + "/" + name;
      if (UUID_FIELDS.contains(name)
          && !NON_UUID_ID_PARENTS.contains(parentField)
          && !(value.isTextual() && isUuid(value.textValue()))) {
        out.add(at + ": not a canonical uuid: " + value);
      }
      if (DATE_TIME_FIELDS.contains(name)
          && !value.isNull()
          && !(value.isTextual() && isDateTime(value.textValue()))) {
        out.add(at + ": not an RFC 3339 date-time: " + value);
      }
      walk(value, at, name, out);
    }
  }
}
