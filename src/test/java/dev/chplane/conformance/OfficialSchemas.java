package dev.chplane.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The official ClickHouse Cloud OpenAPI document, as shipped in chplane's jar, used as the oracle
 * of every response: each body is validated against the response schema the document declares for
 * its operation and status, with the JSON Schema 2020-12 dialect and {@code $ref}s resolved inside
 * the document.
 *
 * <p>{@code format} is treated as an <b>assertion</b> (not a mere annotation): a {@code uuid} or
 * {@code date-time} value that is not one is a violation. {@link ReturnedFormats} checks those two
 * formats again explicitly, independently of the validator.
 *
 * <p>The document is used exactly as shipped: {@link #load()} refuses it unless its SHA-256 is the
 * pinned one, and the validator reads those very bytes.
 */
final class OfficialSchemas {
  static final String RESOURCE = "/openapi/clickhouse-cloud-openapi.json";
  static final String PINNED_SHA256 =
      "124291b0fb5d6742f3f1d015a42c989b9277a9f6e9c530453efcf95f3e5a5eeb";

  /** The name the document goes by inside the validator's registry; it is never fetched. */
  static final String JSON_TYPE = "application/json";

  private static final String DOCUMENT_IRI =
      "https://chplane.invalid/official/clickhouse-cloud-openapi.json";

  private final JsonNode document;
  private final SchemaRegistry registry;
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

  private OfficialSchemas(JsonNode document, SchemaRegistry registry) {
    this.document = document;
    this.registry = registry;
  }

  static byte[] shippedBytes() {
    try (InputStream in = OfficialSchemas.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Loads the shipped document; fails unless it is byte for byte the pinned official one. */
  static OfficialSchemas load() {
    byte[] bytes = shippedBytes();
    String actual = sha256Hex(bytes);
    if (!actual.equals(PINNED_SHA256)) {
      throw new IllegalStateException(
          RESOURCE
              + " has SHA-256 "
              + actual
              + ", not the pinned "
              + PINNED_SHA256
              + ": the shipped official document was changed");
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    SchemaRegistryConfig config =
        SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build();
    SchemaRegistry registry =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(config).schemas(Map.of(DOCUMENT_IRI, text)));
    try {
      return new OfficialSchemas(new ObjectMapper().readTree(text), registry);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every operation the official document declares. */
  Set<Operation> declaredOperations() {
    Set<Operation> out = new LinkedHashSet<>();
    document
        .get("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .properties()
                    .forEach(
                        method -> {
                          if (Operation.METHODS.contains(method.getKey())) {
                            out.add(new Operation(method.getKey(), path.getKey()));
                          }
                        }));
    return out;
  }

  /**
   * The status whose schema applies: the status itself if the operation declares it, otherwise
   * (401, 403, 404, 409 for most operations, which declare only 200, 400 and 500) its 400, whose
   * error envelope they share.
   */
  String schemaStatus(Operation op, int status) {
    JsonNode responses = operationNode(op).get("responses");
    String own = Integer.toString(status);
    if (responses.has(own)) {
      return own;
    }
    if (status >= 400 && responses.has("400")) {
      return "400";
    }
    throw new AssertionError(
        op + " declares no response for " + status + " and no 400 to fall back on");
  }

  /**
   * The media type the document declares for the response of {@code op} with HTTP {@code status}:
   * {@code application/json} where declared (every error, almost every success); otherwise the one
   * media type it declares (e.g. {@code text/plain} for the Prometheus metrics).
   */
  String mediaType(Operation op, int status) {
    JsonNode content =
        operationNode(op).get("responses").get(schemaStatus(op, status)).path("content");
    if (content.has(JSON_TYPE)) {
      return JSON_TYPE;
    }
    List<String> declared = new java.util.ArrayList<>();
    content.fieldNames().forEachRemaining(declared::add);
    if (declared.size() != 1) {
      throw new AssertionError(
          op
              + " "
              + status
              + " declares no application/json and not exactly one other media type: "
              + declared);
    }
    return declared.get(0);
  }

  /**
   * The schema violations of {@code body} as the response of {@code op} with HTTP {@code status},
   * against the schema of its declared {@link #mediaType}: a JSON body as JSON, any other body
   * (text) as one JSON string.
   */
  List<String> violations(Operation op, int status, String body) {
    String mediaType = mediaType(op, status);
    String pointer =
        "/paths/"
            + escape(op.path())
            + "/"
            + op.method()
            + "/responses/"
            + schemaStatus(op, status)
            + "/content/"
            + escape(mediaType)
            + "/schema";
    if (document.at(pointer).isMissingNode()) {
      throw new AssertionError(op + " declares no " + mediaType + " schema at " + pointer);
    }
    Schema schema =
        schemas.computeIfAbsent(
            pointer, p -> registry.getSchema(SchemaLocation.of(DOCUMENT_IRI + "#" + p)));
    String instance;
    try {
      instance = mediaType.equals(JSON_TYPE) ? body : new ObjectMapper().writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Error> errors = schema.validate(instance, InputFormat.JSON);
    return errors.stream()
        .map(
            e ->
                e.getInstanceLocation()
                    + ": "
                    + e.getMessage()
                    + " ["
                    + e.getSchemaLocation()
                    + "]")
        .toList();
  }

  /** The JSON schema of {@code op}'s request body ({@code application/json}), or a missing node. */
  JsonNode requestSchema(Operation op) {
    return operationNode(op).path("requestBody").path("content").path(JSON_TYPE).path("schema");
  }

  /** {@code schema} with its {@code $ref}s (to this document's components) followed. */
  JsonNode resolve(JsonNode schema) {
    JsonNode out = schema;
    for (int hops = 0; out.has("$ref") && hops < 20; hops++) {
      out = document.at(out.get("$ref").asText().substring(1));
    }
    return out;
  }

  private JsonNode operationNode(Operation op) {
    JsonNode node = document.path("paths").path(op.path()).path(op.method());
    if (node.isMissingNode()) {
      throw new AssertionError(op + " is not an operation of the official document");
    }
    return node;
  }

  /** A JSON pointer token (RFC 6901): {@code ~} and {@code /} escaped. */
  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }
}
