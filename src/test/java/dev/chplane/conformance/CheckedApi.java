package dev.chplane.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls chplane's API and checks every response on the spot: it is JSON (or, where the official
 * document declares only another media type for that status, such as the {@code text/plain} of the
 * Prometheus metrics, that media type), it matches the official schema of its operation and status
 * ({@link OfficialSchemas}), its ids and timestamps are real ({@link ReturnedFormats}), its {@code
 * status} field is the HTTP status, and an error's text starts with the code word of that status.
 * It records which operations answered with which statuses, so that a test can prove it covered
 * every implemented operation.
 */
final class CheckedApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Map<Integer, String> CODE_WORDS =
      Map.of(
          400,
          "BAD_REQUEST",
          401,
          "UNAUTHORIZED",
          403,
          "FORBIDDEN",
          404,
          "NOT_FOUND",
          409,
          "CONFLICT",
          424,
          "FAILED_DEPENDENCY",
          500,
          "INTERNAL_ERROR");

  /** One checked answer. */
  record Response(int status, JsonNode body) {
    JsonNode result() {
      return body.get("result");
    }

    String error() {
      return body.path("error").asText();
    }
  }

  private final OfficialSchemas schemas;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private final String authorization;
  private final Map<Operation, Set<Integer>> seen;

  private CheckedApi(
      OfficialSchemas schemas,
      String base,
      String authorization,
      Map<Operation, Set<Integer>> seen) {
    this.schemas = schemas;
    this.base = base;
    this.authorization = authorization;
    this.seen = seen;
  }

  CheckedApi(OfficialSchemas schemas, int port, String keyId, String keySecret) {
    this(schemas, "http://127.0.0.1:" + port, basic(keyId, keySecret), new ConcurrentHashMap<>());
  }

  /** The same checks and records, with other credentials (null: none). */
  CheckedApi as(String keyId, String keySecret) {
    return new CheckedApi(schemas, base, keyId == null ? null : basic(keyId, keySecret), seen);
  }

  /**
   * Which statuses each operation answered with so far, through this client and its {@link #as}
   * copies.
   */
  Map<Operation, Set<Integer>> seen() {
    return seen;
  }

  Response call(Operation op, String body, String... pathArgs) {
    return send(op, op.concrete(pathArgs), body);
  }

  /** {@link #call}, asserting the HTTP status. */
  Response expect(int status, Operation op, String body, String... pathArgs) {
    Response r = call(op, body, pathArgs);
    assertThat(r.status())
        .as(op + " " + String.join(",", pathArgs) + " with " + abbreviate(body) + " -> " + r.body())
        .isEqualTo(status);
    return r;
  }

  /**
   * Sends {@code body} (raw text, null for none) to {@code path}, which must be an instance of
   * {@code op}.
   */
  Response send(Operation op, String path, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                op.method().toUpperCase(),
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return check(
        op,
        path,
        body,
        response.statusCode(),
        response.body(),
        response.headers().firstValue("Content-Type").orElse(""));
  }

  private Response check(
      Operation op, String path, String sent, int status, String text, String contentType) {
    String what =
        op + " as " + path + " with " + abbreviate(sent) + " -> " + status + " " + abbreviate(text);
    String declared = schemas.mediaType(op, status);
    if (!declared.equals(OfficialSchemas.JSON_TYPE)) {
      return checkText(op, status, text, contentType, declared, what);
    }
    JsonNode json;
    try {
      json = JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + what, e);
    }
    seen.computeIfAbsent(op, o -> ConcurrentHashMap.newKeySet()).add(status);
    assertThat(schemas.violations(op, status, text)).as("official schema of " + what).isEmpty();
    assertThat(ReturnedFormats.violations(json))
        .as("uuid and date-time values of " + what)
        .isEmpty();
    assertThat(json.path("status").isIntegralNumber() && json.path("status").asInt() == status)
        .as("status field equals the HTTP status: " + what)
        .isTrue();
    assertThat(json.path("requestId").isTextual()).as("requestId present: " + what).isTrue();
    if (status != 200) {
      assertThat(json.path("error").isTextual()).as("error text present: " + what).isTrue();
      assertThat(json.path("error").asText())
          .as(what)
          .startsWith(CODE_WORDS.getOrDefault(status, "?") + ": ");
      Set<String> fields = new java.util.TreeSet<>();
      json.properties().forEach(e -> fields.add(e.getKey()));
      assertThat(fields)
          .as("the error envelope is {status, error, requestId}: " + what)
          .containsExactly("error", "requestId", "status");
    }
    return new Response(status, json);
  }

  /**
   * A response the document declares as another media type than JSON (the Prometheus metrics'
   * {@code text/plain}): it is sent as that media type (parameters such as {@code version} aside),
   * is not empty, and matches the declared schema as a string.
   */
  private Response checkText(
      Operation op, int status, String text, String contentType, String declared, String what) {
    seen.computeIfAbsent(op, o -> ConcurrentHashMap.newKeySet()).add(status);
    assertThat(mediaTypeOf(contentType))
        .as("Content-Type " + contentType + " is the declared " + declared + ": " + what)
        .isEqualToIgnoringCase(mediaTypeOf(declared));
    assertThat(text).as("a non-empty body: " + what).isNotBlank();
    assertThat(schemas.violations(op, status, text)).as("official schema of " + what).isEmpty();
    return new Response(status, com.fasterxml.jackson.databind.node.TextNode.valueOf(text));
  }

  private static String mediaTypeOf(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
  }

  private static String basic(String keyId, String keySecret) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((keyId + ":" + keySecret).getBytes(StandardCharsets.UTF_8));
  }

  static String abbreviate(String s) {
    if (s == null) {
      return "(no body)";
    }
    return s.length() > 300 ? s.substring(0, 300) + "...(" + s.length() + " chars)" : s;
  }
}
