package dev.chplane.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Derives, from the official request schema of an operation, the bodies that break one rule of one
 * field each: {@code null} where the field is not nullable, a value of the wrong JSON type, a
 * fraction for an integer, and values just past {@code minimum}, {@code maximum}, {@code
 * minLength}, {@code maxLength} and {@code enum}. Each starts from a valid body: the field is
 * replaced, or added to an object the valid body has (so every documented field of that object is
 * tried, sent or not); the walk goes into the objects and the first array items the valid body has.
 */
final class SchemaNegatives {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** One body that breaks {@code rule} of the field at {@code pointer} (named {@code field}). */
  record Negative(String pointer, String field, String rule, String body) {
    @Override
    public String toString() {
      return pointer + " " + rule;
    }
  }

  /** What the schema says about one field. */
  private record Field(
      Set<String> types,
      boolean nullable,
      BigDecimal minimum,
      BigDecimal maximum,
      Integer minLength,
      Integer maxLength,
      List<String> enumValues,
      JsonNode schema) {}

  private final OfficialSchemas schemas;

  SchemaNegatives(OfficialSchemas schemas) {
    this.schemas = schemas;
  }

  /**
   * The negatives of {@code valid} for {@code op}.
   *
   * @param nullResets pointers (array indexes as {@code *}) where the official text says that
   *     {@code null} resets the field to its default, although its type is not nullable
   */
  List<Negative> of(Operation op, ObjectNode valid, Set<String> nullResets) {
    JsonNode schema = schemas.requestSchema(op);
    if (schema.isMissingNode()) {
      throw new AssertionError(op + " declares no JSON request body");
    }
    List<Negative> out = new ArrayList<>();
    walk(schema, valid, valid, "", "", nullResets, out);
    return out;
  }

  private void walk(
      JsonNode schema,
      ObjectNode valid,
      JsonNode instance,
      String ptr,
      String pattern,
      Set<String> nullResets,
      List<Negative> out) {
    for (var property : properties(schema)) {
      String name = property.getKey();
      Field f = describe(property.getValue());
      String p = ptr + "/" + name;
      String pat = pattern + "/" + name;
      if (!f.nullable() && !nullResets.contains(pat)) {
        out.add(negative(valid, p, name, "null where the type is not nullable", JSON.nullNode()));
      }
      wrongType(f).ifPresent(v -> out.add(negative(valid, p, name, "wrong JSON type " + v, v)));
      if (f.types().contains("integer")) {
        BigDecimal base = f.minimum() != null ? f.minimum() : BigDecimal.ONE;
        out.add(
            negative(
                valid,
                p,
                name,
                "fraction for an integer",
                JSON.numberNode(base.add(new BigDecimal("0.5")))));
      }
      boolean numeric = f.types().contains("integer") || f.types().contains("number");
      if (numeric && f.minimum() != null) {
        out.add(
            negative(
                valid,
                p,
                name,
                "just below minimum " + f.minimum(),
                JSON.numberNode(f.minimum().subtract(BigDecimal.ONE))));
      }
      if (numeric && f.maximum() != null) {
        out.add(
            negative(
                valid,
                p,
                name,
                "just above maximum " + f.maximum(),
                JSON.numberNode(f.maximum().add(BigDecimal.ONE))));
      }
      if (f.types().contains("string") && f.maxLength() != null) {
        out.add(
            negative(
                valid,
                p,
                name,
                "longer than maxLength " + f.maxLength(),
                JSON.textNode("a".repeat(f.maxLength() + 1))));
      }
      if (f.types().contains("string") && f.minLength() != null && f.minLength() > 0) {
        out.add(
            negative(
                valid,
                p,
                name,
                "shorter than minLength " + f.minLength(),
                JSON.textNode("a".repeat(f.minLength() - 1))));
      }
      if (!f.enumValues().isEmpty() && f.types().contains("string")) {
        String other = "not-" + f.enumValues().get(0);
        out.add(negative(valid, p, name, "not in enum " + f.enumValues(), JSON.textNode(other)));
      }
      JsonNode sent = instance.get(name);
      if (sent != null && sent.isObject()) {
        walk(f.schema(), valid, sent, p, pat, nullResets, out);
      } else if (sent != null && sent.isArray() && !sent.isEmpty() && sent.get(0).isObject()) {
        walk(
            schemas.resolve(f.schema()).path("items"),
            valid,
            sent.get(0),
            p + "/0",
            pat + "/*",
            nullResets,
            out);
      }
    }
  }

  /**
   * The properties of an object schema, through {@code $ref}, {@code allOf} and the object branch
   * of {@code oneOf}/{@code anyOf}.
   */
  private List<java.util.Map.Entry<String, JsonNode>> properties(JsonNode schema) {
    List<java.util.Map.Entry<String, JsonNode>> out = new ArrayList<>();
    JsonNode s = schemas.resolve(schema);
    s.path("properties").properties().forEach(out::add);
    for (String combiner : List.of("allOf", "oneOf", "anyOf")) {
      for (JsonNode branch : s.path(combiner)) {
        if (!"null".equals(schemas.resolve(branch).path("type").asText())) {
          for (var e : properties(branch)) {
            if (out.stream().noneMatch(o -> o.getKey().equals(e.getKey()))) {
              out.add(e);
            }
          }
        }
      }
    }
    return out;
  }

  private Field describe(JsonNode declared) {
    Set<String> types = new LinkedHashSet<>();
    boolean nullable = false;
    JsonNode s = schemas.resolve(declared);
    List<JsonNode> alternatives = new ArrayList<>();
    alternatives.add(s);
    for (String combiner : List.of("oneOf", "anyOf")) {
      s.path(combiner).forEach(b -> alternatives.add(schemas.resolve(b)));
    }
    JsonNode object = s;
    for (JsonNode a : alternatives) {
      JsonNode type = a.path("type");
      if (type.isTextual()) {
        types.add(type.asText());
      } else if (type.isArray()) {
        type.forEach(t -> types.add(t.asText()));
      } else if (a.has("properties")) {
        types.add("object");
      }
      if (a.has("properties") || "array".equals(type.asText())) {
        object = a;
      }
    }
    nullable = types.remove("null");
    List<String> enumValues = new ArrayList<>();
    s.path("enum")
        .forEach(
            v -> {
              if (!v.isNull()) {
                enumValues.add(v.asText());
              }
            });
    return new Field(
        types,
        nullable,
        decimal(s.path("minimum")),
        decimal(s.path("maximum")),
        s.has("minLength") ? s.get("minLength").asInt() : null,
        s.has("maxLength") ? s.get("maxLength").asInt() : null,
        enumValues,
        object);
  }

  /**
   * A value of another JSON type than the field takes; none for a field that takes several types or
   * any.
   */
  private static java.util.Optional<JsonNode> wrongType(Field f) {
    if (f.types().size() != 1) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        switch (f.types().iterator().next()) {
          case "string" -> JSON.numberNode(12345);
          case "integer", "number" -> JSON.textNode("12");
          case "boolean" -> JSON.textNode("true");
          case "array" -> JSON.objectNode().put("a", 1);
          default -> JSON.arrayNode().add("x");
        });
  }

  private static BigDecimal decimal(JsonNode n) {
    return n.isNumber() ? n.decimalValue() : null;
  }

  private static Negative negative(
      ObjectNode valid, String pointer, String field, String rule, JsonNode value) {
    ObjectNode copy = valid.deepCopy();
    JsonNode parent = copy.at(pointer.substring(0, pointer.lastIndexOf('/')));
    String last = pointer.substring(pointer.lastIndexOf('/') + 1);
    if (parent.isArray()) {
      ((ArrayNode) parent).set(Integer.parseInt(last), value);
    } else {
      ((ObjectNode) parent).set(last, value);
    }
    return new Negative(pointer, field, rule, copy.toString());
  }
}
