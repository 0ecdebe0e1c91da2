package dev.chplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Typed, validated access to one JSON object of a request. Every failure is a 400 whose message
 * names the field by its path ({@code ipAccessList[1].source}) and the rule it broke. Fields the
 * reader does not ask for are ignored, as the API requires for unknown fields.
 *
 * <p>Invariants: a field sent as {@code null} is a 400 unless the reader declared it {@link
 * #nullable} (as the official document types it, e.g. {@code expireAt}), in which case it counts as
 * absent; no string read here holds NUL or an unpaired surrogate; a whole number is never truncated
 * ({@code 1.5} is a 400, {@code 8.0} is 8).
 */
public final class JsonBody {
  private final ObjectNode node;
  private final String path;
  private final Set<String> nullable;

  public JsonBody(ObjectNode node, String path) {
    this(node, path, Set.of());
  }

  private JsonBody(ObjectNode node, String path, Set<String> nullable) {
    this.node = node;
    this.path = path;
    this.nullable = nullable;
  }

  /**
   * This object with {@code fields} taking {@code null} as absent (fields the official document
   * types nullable).
   */
  public JsonBody nullable(String... fields) {
    Set<String> out = new java.util.HashSet<>(nullable);
    out.addAll(List.of(fields));
    return new JsonBody(node, path, Set.copyOf(out));
  }

  /**
   * The value of a field, null when absent or a nullable null; a 400 for null in a field that is
   * not nullable.
   */
  private JsonNode value(String field) {
    JsonNode value = node.get(field);
    if (value == null) {
      return null;
    }
    if (value.isNull()) {
      if (nullable.contains(field)) {
        return null;
      }
      throw bad(
          field, "must not be null (leave the field out to keep its current or default value)");
    }
    return value;
  }

  /** Whether the field holds a value; a 400 if it is null and not {@link #nullable}. */
  public boolean has(String field) {
    return value(field) != null;
  }

  public boolean isExplicitNull(String field) {
    JsonNode value = node.get(field);
    return value != null && value.isNull();
  }

  public boolean isPresent(String field) {
    return node.has(field);
  }

  /**
   * The raw JSON value of a field: null when absent (or a nullable null), a 400 for a null that is
   * not allowed.
   */
  public JsonNode raw(String field) {
    return value(field);
  }

  public String name(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  public Optional<String> string(String field) {
    JsonNode value = value(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw bad(field, "must be a string");
    }
    String text = value.textValue();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        throw bad(field, "must not contain NUL (U+0000), found at character " + (i + 1));
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw bad(
            field,
            "must be valid Unicode: an unpaired surrogate \\u"
                + Integer.toHexString(c)
                + " at character "
                + (i + 1));
      }
    }
    return Optional.of(text);
  }

  public Optional<String> string(String field, int minLength, int maxLength) {
    Optional<String> value = string(field);
    value.ifPresent(
        v -> {
          int length = v.codePointCount(0, v.length());
          if (length < minLength || length > maxLength) {
            throw bad(
                field,
                "must be " + minLength + " to " + maxLength + " characters long, got " + length);
          }
        });
    return value;
  }

  /**
   * A name or description people read: {@link #string(String, int, int)}, and no control characters
   * (C0, DEL, C1: they forge log lines and terminal output) and no bidirectional overrides or
   * isolates (U+202A to U+202E, U+2066 to U+2069) or line/paragraph separators (U+2028, U+2029),
   * which make a text show differently from what it is.
   */
  public Optional<String> text(String field, int minLength, int maxLength) {
    Optional<String> value = string(field, minLength, maxLength);
    value.ifPresent(
        v -> {
          int at = 1;
          for (int i = 0; i < v.length(); at++) {
            int c = v.codePointAt(i);
            if (Character.getType(c) == Character.CONTROL) {
              throw bad(
                  field,
                  "must not contain control characters, found U+"
                      + String.format("%04X", c)
                      + " at character "
                      + at);
            }
            if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
              throw bad(
                  field,
                  "must not contain bidirectional overrides or isolates, found U+"
                      + String.format("%04X", c)
                      + " at character "
                      + at);
            }
            if (c == 0x2028 || c == 0x2029) {
              throw bad(
                  field,
                  "must not contain line or paragraph separators, found U+"
                      + String.format("%04X", c)
                      + " at character "
                      + at);
            }
            i += Character.charCount(c);
          }
        });
    return value;
  }

  public Optional<String> oneOf(String field, Set<String> allowed) {
    Optional<String> value = string(field);
    value.ifPresent(
        v -> {
          if (!allowed.contains(v)) {
            throw bad(
                field,
                "must be one of "
                    + String.join(", ", allowed.stream().sorted().toList())
                    + ", got '"
                    + abbreviate(v)
                    + "'");
          }
        });
    return value;
  }

  public Optional<Boolean> bool(String field) {
    JsonNode value = value(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isBoolean()) {
      throw bad(field, "must be true or false");
    }
    return Optional.of(value.booleanValue());
  }

  /** A whole number within [min, max] that is a multiple of {@code step}; 8.0 counts as 8. */
  public Optional<Integer> wholeNumber(String field, int min, int max, int step) {
    Optional<Long> value = wholeLong(field, min, max);
    value
        .filter(v -> v % step != 0)
        .ifPresent(
            v -> {
              throw bad(field, "must be a multiple of " + step + ", got " + raw(field));
            });
    return value.map(Long::intValue);
  }

  /**
   * A whole number within [min, max]; {@code 1.5} is a 400, never truncated, and so is a number
   * past a long.
   */
  public Optional<Long> wholeLong(String field, long min, long max) {
    JsonNode value = value(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isNumber()) {
      throw bad(field, "must be a number");
    }
    BigDecimal exact = value.decimalValue();
    if (exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0) {
      throw bad(field, "must be a whole number, got " + value);
    }
    if (exact.compareTo(BigDecimal.valueOf(min)) < 0
        || exact.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw bad(field, "must be between " + min + " and " + max + ", got " + value);
    }
    return Optional.of(exact.longValueExact());
  }

  /** A number within [min, max] (fractions allowed). */
  public Optional<Double> number(String field, double min, double max) {
    JsonNode value = value(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isNumber()) {
      throw bad(field, "must be a number");
    }
    double d = value.doubleValue();
    if (!(d >= min && d <= max)) {
      throw bad(field, "must be between " + min + " and " + max + ", got " + value);
    }
    return Optional.of(d);
  }

  public Optional<JsonBody> object(String field) {
    JsonNode value = value(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isObject()) {
      throw bad(field, "must be an object");
    }
    return Optional.of(new JsonBody((ObjectNode) value, name(field), nestedNullable(field)));
  }

  /** The objects of an array field, at most {@code maxItems}. */
  public Optional<List<JsonBody>> objects(String field, int maxItems) {
    JsonNode value = value(field);
    if (value == null) {
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
      out.add(new JsonBody((ObjectNode) item, itemPath, nestedNullable(field + "[]")));
    }
    return Optional.of(out);
  }

  public Optional<List<String>> strings(String field, int maxItems) {
    JsonNode value = value(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isArray()) {
      throw bad(field, "must be an array");
    }
    if (value.size() > maxItems) {
      throw bad(field, "must have at most " + maxItems + " items, got " + value.size());
    }
    List<String> out = new ArrayList<>();
    ObjectNode items = node.objectNode();
    for (int i = 0; i < value.size(); i++) {
      items.set(field + "[" + i + "]", value.get(i));
    }
    JsonBody itemReader = new JsonBody(items, path);
    for (int i = 0; i < value.size(); i++) {
      out.add(itemReader.string(field + "[" + i + "]").orElseThrow());
    }
    return Optional.of(out);
  }

  /**
   * The nullable fields below {@code field}: a nullable {@code a.b} declared here becomes {@code b}
   * of the object {@code a} ({@code a[].b} for the items of an array {@code a}).
   */
  private Set<String> nestedNullable(String field) {
    Set<String> out = new java.util.HashSet<>();
    for (String n : nullable) {
      if (n.startsWith(field + ".")) {
        out.add(n.substring(field.length() + 1));
      }
    }
    return Set.copyOf(out);
  }

  public ApiException bad(String field, String rule) {
    return ApiException.badRequest(name(field) + ": " + rule);
  }

  private static String abbreviate(String v) {
    return v.length() > 60 ? v.substring(0, 60) + "..." : v;
  }
}
