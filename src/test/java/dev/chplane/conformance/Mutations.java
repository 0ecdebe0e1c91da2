package dev.chplane.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.conformance.Mutation.Outcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Mutates a valid request body into the kinds of bad input a client can send: wrong types,
 * out-of-range numbers, huge strings, missing required fields, malformed JSON, an empty body, JSON
 * that is not an object; and into input that is still valid (unknown extra fields, whole numbers
 * written as 8.0). All choices come from one seeded {@link Random}, so a seed replays a run.
 */
final class Mutations {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final List<JsonNodeType> KINDS =
      List.of(
          JsonNodeType.STRING,
          JsonNodeType.NUMBER,
          JsonNodeType.BOOLEAN,
          JsonNodeType.OBJECT,
          JsonNodeType.ARRAY,
          JsonNodeType.NULL);
  static final String HUGE = "h".repeat(100 * 1024);

  /** How many mutations of each kind one body gets, at most. */
  static final Map<String, Integer> QUOTA = quota();

  private final Random random;

  Mutations(Random random) {
    this.random = random;
  }

  private static Map<String, Integer> quota() {
    Map<String, Integer> q = new LinkedHashMap<>();
    q.put("wrong-type", 8);
    q.put("out-of-range", 3);
    q.put("whole-float", 1);
    q.put("huge-string", 2);
    q.put("missing-required", 2);
    q.put("unknown-field", 2);
    q.put("malformed-json", 2);
    q.put("empty-body", 1);
    q.put("not-an-object", 2);
    q.put("oversized-body", 1);
    return Collections.unmodifiableMap(q);
  }

  /**
   * A seeded sample of mutations of {@code valid}, up to {@link #QUOTA} of each kind.
   *
   * @param required pointers of the fields a valid body must have, {@code *} standing for any array
   *     index
   */
  List<Mutation> sample(ObjectNode valid, Set<String> required) {
    Map<String, List<Mutation>> all = new LinkedHashMap<>();
    QUOTA.keySet().forEach(k -> all.put(k, new ArrayList<>()));
    fields(
        valid,
        "",
        "",
        (ptr, pattern, value) -> {
          for (JsonNodeType kind : KINDS) {
            if (kind != kindOf(value)) {
              JsonNode other = sampleOf(kind);
              // null is a 400 unless the official type is nullable (then it is absent); the schema
              // walk of
              // BodyFuzzIT tells the two apart, this sample only knows the member is optional
              boolean optionalNull =
                  kind == JsonNodeType.NULL
                      && !required.contains(pattern)
                      && !pattern.endsWith("/*");
              add(
                  all,
                  "wrong-type",
                  ptr + " = " + other,
                  replaced(valid, ptr, other),
                  optionalNull ? Outcome.EITHER : Outcome.REJECTED);
            }
          }
          if (value.isNumber()) {
            double v = value.doubleValue();
            add(
                all,
                "out-of-range",
                ptr + " negative",
                replaced(valid, ptr, JSON.numberNode(v > 0 ? -v : -1)),
                Outcome.REJECTED);
            add(
                all,
                "out-of-range",
                ptr + " huge",
                replaced(valid, ptr, JSON.numberNode(1_000_000_000_000_000L)),
                Outcome.REJECTED);
            add(
                all,
                "out-of-range",
                ptr + " fractional",
                replaced(valid, ptr, JSON.numberNode(v + 0.5)),
                Outcome.REJECTED);
            add(
                all,
                "whole-float",
                ptr + " = " + v,
                replaced(valid, ptr, JSON.numberNode(v)),
                Outcome.ACCEPTED);
          }
          if (value.isTextual()) {
            add(
                all,
                "huge-string",
                ptr + " 100 KB",
                replaced(valid, ptr, JSON.textNode(HUGE)),
                Outcome.REJECTED);
          }
          if (required.contains(pattern) && !ptr.matches(".*/\\d+$")) {
            ObjectNode copy = valid.deepCopy();
            ((ObjectNode) copy.at(parent(ptr))).remove(last(ptr));
            add(all, "missing-required", "no " + ptr, copy.toString(), Outcome.REJECTED);
          }
        });
    objects(
        valid,
        "",
        ptr -> {
          ObjectNode copy = valid.deepCopy();
          String name = "unknownField" + Integer.toHexString(random.nextInt(1 << 16));
          ((ObjectNode) copy.at(ptr)).set(name, sampleOf(KINDS.get(random.nextInt(KINDS.size()))));
          add(all, "unknown-field", ptr + "/" + name, copy.toString(), Outcome.ACCEPTED);
        });
    String text = valid.toString();
    add(
        all,
        "malformed-json",
        "truncated",
        text.substring(0, 1 + random.nextInt(text.length() - 1)),
        Outcome.REJECTED);
    add(all, "malformed-json", "trailing brace", text + "}", Outcome.REJECTED);
    add(all, "malformed-json", "trailing garbage", text + " x", Outcome.REJECTED);
    add(all, "malformed-json", "= for :", text.replaceFirst(":", "="), Outcome.REJECTED);
    add(
        all,
        "malformed-json",
        "trailing comma",
        text.substring(0, text.length() - 1) + ",}",
        Outcome.REJECTED);
    add(all, "malformed-json", "single quotes", text.replace('"', '\''), Outcome.REJECTED);
    boolean needsFields = required.stream().anyMatch(p -> p.lastIndexOf('/') == 0);
    add(all, "empty-body", "empty", "", needsFields ? Outcome.REJECTED : Outcome.ACCEPTED);
    add(all, "empty-body", "blank", " \n", needsFields ? Outcome.REJECTED : Outcome.ACCEPTED);
    for (String notObject : List.of("[]", "[" + text + "]", "42", "\"text\"", "true", "null")) {
      add(
          all,
          "not-an-object",
          notObject.length() > 20 ? "array of the body" : notObject,
          notObject,
          Outcome.REJECTED);
    }
    add(
        all,
        "oversized-body",
        "5 MB, over the 4 MiB limit",
        text.substring(0, text.length() - 1) + ",\"padding\":\"" + HUGE.repeat(50) + "\"}",
        Outcome.REJECTED);
    List<Mutation> out = new ArrayList<>();
    all.forEach(
        (kind, candidates) -> {
          Collections.shuffle(candidates, random);
          out.addAll(candidates.subList(0, Math.min(QUOTA.get(kind), candidates.size())));
        });
    return out;
  }

  /** A value of {@code kind}, varied by the seed. */
  JsonNode sampleOf(JsonNodeType kind) {
    return switch (kind) {
      case STRING -> JSON.textNode(List.of("text", "12", "true", "").get(random.nextInt(4)));
      case NUMBER ->
          random.nextBoolean() ? JSON.numberNode(random.nextInt(100)) : JSON.numberNode(-3.5);
      case BOOLEAN -> JSON.booleanNode(random.nextBoolean());
      case OBJECT -> random.nextBoolean() ? JSON.objectNode() : JSON.objectNode().put("a", 1);
      case ARRAY -> random.nextBoolean() ? JSON.arrayNode() : JSON.arrayNode().add(1).add("x");
      default -> JSON.nullNode();
    };
  }

  private static JsonNodeType kindOf(JsonNode value) {
    return value.isTextual() ? JsonNodeType.STRING : value.getNodeType();
  }

  private interface FieldVisitor {
    void visit(String pointer, String pattern, JsonNode value);
  }

  /** Every object member and array element below {@code node}, depth first. */
  private static void fields(JsonNode node, String ptr, String pattern, FieldVisitor visitor) {
    if (node.isObject()) {
      node.properties()
          .forEach(
              e -> {
                String p = ptr + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
                String pat = pattern + "/" + e.getKey();
                visitor.visit(p, pat, e.getValue());
                fields(e.getValue(), p, pat, visitor);
              });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        visitor.visit(ptr + "/" + i, pattern + "/*", node.get(i));
        fields(node.get(i), ptr + "/" + i, pattern + "/*", visitor);
      }
    }
  }

  private static void objects(JsonNode node, String ptr, Consumer<String> visitor) {
    if (node.isObject()) {
      visitor.accept(ptr);
    }
    if (node.isContainerNode()) {
      node.properties().forEach(e -> objects(e.getValue(), ptr + "/" + e.getKey(), visitor));
      for (int i = 0; node.isArray() && i < node.size(); i++) {
        objects(node.get(i), ptr + "/" + i, visitor);
      }
    }
  }

  private static String replaced(ObjectNode valid, String ptr, JsonNode value) {
    ObjectNode copy = valid.deepCopy();
    JsonNode parent = copy.at(parent(ptr));
    String last = last(ptr);
    if (parent.isArray()) {
      ((ArrayNode) parent).set(Integer.parseInt(last), value);
    } else {
      ((ObjectNode) parent).set(last.replace("~1", "/").replace("~0", "~"), value);
    }
    return copy.toString();
  }

  private static String parent(String ptr) {
    return ptr.substring(0, ptr.lastIndexOf('/'));
  }

  private static String last(String ptr) {
    return ptr.substring(ptr.lastIndexOf('/') + 1);
  }

  private static void add(
      Map<String, List<Mutation>> all,
      String kind,
      String description,
      String body,
      Outcome outcome) {
    all.get(kind).add(new Mutation(kind, description, body, outcome));
  }
}
