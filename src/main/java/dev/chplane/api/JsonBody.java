package dev.chplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.domain.ApiException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Typed, validated access to one JSON object of a request. Every failure is a 400 whose message
 * names the field by its path ({@code ipAccessList[1].source}) and the rule it broke. Fields the
 * reader does not ask for are ignored, as the API requires for unknown fields. A field sent as
 * {@code null} counts as absent unless the caller asks with {@link #isExplicitNull}.
 */
public final class JsonBody {
  private final ObjectNode node;
  private final String path;

  public JsonBody(ObjectNode node, String path) {
    this.node = node;
    this.path = path;
  }

  public boolean has(String field) {
    JsonNode value = node.get(field);
    return value != null && !value.isNull();
  }

  public boolean isExplicitNull(String field) {
    JsonNode value = node.get(field);
    return value != null && value.isNull();
  }

  public boolean isPresent(String field) {
    return node.has(field);
  }

  /** The raw JSON value of a field (null when absent). */
  public JsonNode raw(String field) {
    return node.get(field);
  }

  public String name(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  public Optional<String> string(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw bad(field, "must be a string");
    }
    return Optional.of(value.textValue());
  }

  public Optional<String> string(String field, int minLength, int maxLength) {
    Optional<String> value = string(field);
    value.ifPresent(v -> {
      if (v.length() < minLength || v.length() > maxLength) {
        throw bad(field, "must be " + minLength + " to " + maxLength + " characters long, got " + v.length());
      }
    });
    return value;
  }

  public Optional<String> oneOf(String field, Set<String> allowed) {
    Optional<String> value = string(field);
    value.ifPresent(v -> {
      if (!allowed.contains(v)) {
        throw bad(field, "must be one of " + String.join(", ", allowed.stream().sorted().toList())
            + ", got '" + abbreviate(v) + "'");
      }
    });
    return value;
  }

  public Optional<Boolean> bool(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isBoolean()) {
      throw bad(field, "must be true or false");
    }
    return Optional.of(value.booleanValue());
  }

  /** A whole number within [min, max] that is a multiple of {@code step}; 8.0 counts as 8. */
  public Optional<Integer> wholeNumber(String field, int min, int max, int step) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isNumber()) {
      throw bad(field, "must be a number");
    }
    double d = value.doubleValue();
    if (d != Math.rint(d)) {
      throw bad(field, "must be a whole number, got " + value);
    }
    if (d < min || d > max) {
      throw bad(field, "must be between " + min + " and " + max + ", got " + value);
    }
    if (((long) d) % step != 0) {
      throw bad(field, "must be a multiple of " + step + ", got " + value);
    }
    return Optional.of((int) d);
  }

  public Optional<JsonBody> object(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isObject()) {
      throw bad(field, "must be an object");
    }
    return Optional.of(new JsonBody((ObjectNode) value, name(field)));
  }

  /** The objects of an array field, at most {@code maxItems}. */
  public Optional<List<JsonBody>> objects(String field, int maxItems) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isArray()) {
      throw bad(field, "must be an array");
    }
    if (value.size() > maxItems) {
      throw bad(field, "must have at most " + maxItems + " items, got " + value.size());
    }
    List<JsonBody> out = new ArrayList<>();
    Iterator<JsonNode> items = value.elements();
    for (int i = 0; items.hasNext(); i++) {
      JsonNode item = items.next();
      String itemPath = name(field) + "[" + i + "]";
      if (!item.isObject()) {
        throw ApiException.badRequest(itemPath + ": must be an object");
      }
      out.add(new JsonBody((ObjectNode) item, itemPath));
    }
    return Optional.of(out);
  }

  public Optional<List<String>> strings(String field, int maxItems) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isArray()) {
      throw bad(field, "must be an array");
    }
    if (value.size() > maxItems) {
      throw bad(field, "must have at most " + maxItems + " items, got " + value.size());
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      if (!value.get(i).isTextual()) {
        throw ApiException.badRequest(name(field) + "[" + i + "]: must be a string");
      }
      out.add(value.get(i).textValue());
    }
    return Optional.of(out);
  }

  public ApiException bad(String field, String rule) {
    return ApiException.badRequest(name(field) + ": " + rule);
  }

  private static String abbreviate(String v) {
    return v.length() > 60 ? v.substring(0, 60) + "..." : v;
  }
}
