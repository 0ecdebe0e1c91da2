package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Query API on a real running service: the endpoint's configuration through {@code /v1}
 * (upsert, read, delete, validation) and {@code POST /service/{id}/run} with API keys, the two
 * roles enforced by ClickHouse itself, CORS, and a stopped service.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QueryApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALLOWED = "https://app.example.com";

  private static TestInstallation chplane;
  private static String serviceId;
  private static String endpointPath;
  private static Key queryKey;
  private static Key developerKey;
  private static Key unlistedKey;

  /** A key as a client holds it: its resource id and its credentials. */
  record Key(String id, String keyId, String secret) {}

  /** An answer of the run endpoint. */
  record Answer(int status, String contentType, String body, HttpResponse<String> raw) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  @BeforeAll
  static void start() {
    chplane = new TestInstallation();
    serviceId =
        chplane
            .createRunning("query-api", "[{\"source\":\"127.0.0.1\",\"description\":\"loopback\"}]")
            .at("/service/id")
            .asText();
    endpointPath = service(serviceId) + "/serviceQueryEndpoint";
    queryKey = createKey("runner", "query_endpoints");
    developerKey = createKey("dev", "developer");
    unlistedKey = createKey("unlisted", "query_endpoints");
  }

  @AfterAll
  static void stop() {
    chplane.close();
  }

  private static Key createKey(String name, String role) {
    ApiClient.Response r =
        chplane
            .api()
            .post(
                "/v1/organizations/" + TestInstallation.ORG + "/keys",
                "{\"name\":\"" + name + "\",\"roles\":[\"" + role + "\"]}");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    return new Key(
        r.result().at("/key/id").asText(),
        r.result().get("keyId").asText(),
        r.result().get("keySecret").asText());
  }

  private static ApiClient.Response configure(String role, String origins) {
    return chplane
        .api()
        .post(
            endpointPath,
            "{\"roles\":[\""
                + role
                + "\"],\"openApiKeys\":[\""
                + queryKey.id()
                + "\",\""
                + developerKey.id()
                + "\"],\"allowedOrigins\":\""
                + origins
                + "\"}");
  }

  private static Answer run(Key key, String format, String body, String origin) {
    String query = format == null ? "" : "?format=" + format;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + chplane.apiPort()
                        + "/service/"
                        + serviceId
                        + "/run"
                        + query))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(
                      (key.keyId() + ":" + key.secret()).getBytes(StandardCharsets.UTF_8)));
    }
    if (origin != null) {
      request.header("Origin", origin);
    }
    return send(request.build());
  }

  private static Answer run(Key key, String format, String sql) {
    return run(key, format, JSON.createObjectNode().put("sql", sql).toString(), null);
  }

  private static Answer preflight(String origin) {
    return send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + chplane.apiPort() + "/service/" + serviceId + "/run"))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization, content-type")
            .build());
  }

  private static Answer send(HttpRequest request) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(
          r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  @Order(1)
  void upsertIsIdempotentAndGetEchoesIt() {
    assertThat(chplane.api().get(endpointPath).status()).as("none yet").isEqualTo(404);
    String activities = "/v1/organizations/" + TestInstallation.ORG + "/activities";
    int logged = chplane.api().get(activities).result().size();
    ApiClient.Response first = configure("sql_console_read_only", ALLOWED);
    assertThat(first.status()).as(first.body().toString()).isEqualTo(200);
    JsonNode result = first.result();
    assertThat(result.get("id").asText()).isNotEmpty();
    assertThat(result.get("roles")).hasSize(1);
    assertThat(result.at("/roles/0").asText()).isEqualTo("sql_console_read_only");
    assertThat(result.get("openApiKeys"))
        .extracting(JsonNode::asText)
        .containsExactly(queryKey.id(), developerKey.id());
    assertThat(result.get("allowedOrigins").asText()).isEqualTo(ALLOWED);

    ApiClient.Response again = configure("sql_console_read_only", ALLOWED);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.result()).isEqualTo(result);
    assertThat(chplane.api().get(endpointPath).result()).isEqualTo(result);

    ApiClient.Response changed = configure("sql_console_admin", "");
    assertThat(changed.result().get("id")).as("an upsert keeps the id").isEqualTo(result.get("id"));
    assertThat(changed.result().at("/roles/0").asText()).isEqualTo("sql_console_admin");
    assertThat(changed.result().get("allowedOrigins").asText()).isEmpty();
    assertThat(chplane.api().get(endpointPath).result()).isEqualTo(changed.result());
    assertThat(chplane.api().get(activities).result())
        .as("no official activity type records endpoint changes")
        .hasSize(logged);
  }

  @Test
  @Order(2)
  void invalidSettingsAreRefusedByNameAndChangeNothing() {
    JsonNode before = configure("sql_console_read_only", ALLOWED).result();
    String missing = "00000000-0000-4000-8000-0000000000ee";
    ApiClient.Response badRole =
        chplane.api().post(endpointPath, "{\"roles\":[\"sql_console_owner\"],\"openApiKeys\":[]}");
    assertThat(badRole.status()).isEqualTo(400);
    assertThat(badRole.error()).startsWith("BAD_REQUEST: roles[0]: ").contains("sql_console_owner");
    ApiClient.Response unknownKey =
        chplane
            .api()
            .post(
                endpointPath,
                "{\"roles\":[\"sql_console_admin\"],\"openApiKeys\":[\""
                    + queryKey.id()
                    + "\",\""
                    + missing
                    + "\"]}");
    assertThat(unknownKey.status()).isEqualTo(400);
    assertThat(unknownKey.error()).contains("openApiKeys[1]").contains(missing);
    ApiClient.Response notUuid =
        chplane
            .api()
            .post(endpointPath, "{\"roles\":[\"sql_console_admin\"],\"openApiKeys\":[\"k1\"]}");
    assertThat(notUuid.status()).isEqualTo(400);
    assertThat(notUuid.error()).contains("openApiKeys[0]");
    ApiClient.Response noRoles = chplane.api().post(endpointPath, "{\"openApiKeys\":[]}");
    assertThat(noRoles.status()).isEqualTo(400);
    assertThat(noRoles.error()).contains("roles: is required");
    ApiClient.Response badOrigin =
        chplane
            .api()
            .post(
                endpointPath,
                "{\"roles\":[\"sql_console_admin\"],\"openApiKeys\":[],\"allowedOrigins\":\"https://ok.example.com, not an origin\"}");
    assertThat(badOrigin.status()).isEqualTo(400);
    assertThat(badOrigin.error()).contains("allowedOrigins").contains("not an origin");
    assertThat(chplane.api().get(endpointPath).result()).isEqualTo(before);
    assertThat(chplane.apiWith(queryKey.keyId(), queryKey.secret()).get(endpointPath).status())
        .as("a query_endpoints key still may not use /v1")
        .isEqualTo(403);
  }

  @Test
  @Order(3)
  void selectRunsInTheRequestedFormatForListedKeysOnly() {
    configure("sql_console_read_only", "");
    Answer rows =
        run(
            queryKey,
            null,
            "SELECT number AS n, toString(number * 2) AS s FROM system.numbers LIMIT 3");
    assertThat(rows.status()).as(rows.body()).isEqualTo(200);
    assertThat(rows.body())
        .isEqualTo(
            "{\"n\":\"0\",\"s\":\"0\"}\n{\"n\":\"1\",\"s\":\"2\"}\n{\"n\":\"2\",\"s\":\"4\"}\n");
    Answer tsv =
        run(
            queryKey,
            "TSV",
            "SELECT number AS n, toString(number * 2) AS s FROM system.numbers LIMIT 3");
    assertThat(tsv.status()).as(tsv.body()).isEqualTo(200);
    assertThat(tsv.body()).isEqualTo("0\t0\n1\t2\n2\t4\n");
    assertThat(tsv.contentType()).startsWith("text/tab-separated-values");
    Answer developer = run(developerKey, "JSONEachRow", "SELECT 1 AS one");
    assertThat(developer.status()).as(developer.body()).isEqualTo(200);
    assertThat(developer.body()).isEqualTo("{\"one\":1}\n");

    Answer unlisted = run(unlistedKey, null, "SELECT 1");
    assertThat(unlisted.status()).isEqualTo(403);
    assertThat(unlisted.json().get("error").asText()).startsWith("FORBIDDEN: ");
    Answer admin =
        run(new Key(null, TestInstallation.KEY_ID, TestInstallation.KEY_SECRET), null, "SELECT 1");
    assertThat(admin.status()).as("an admin key not listed").isEqualTo(403);
    assertThat(
            run(new Key(null, queryKey.keyId(), "wrong-secret-0123456789"), null, "SELECT 1")
                .status())
        .isEqualTo(401);
    assertThat(run(null, null, "SELECT 1").status()).isEqualTo(401);

    Answer noSql = run(queryKey, null, "{\"query\":\"SELECT 1\"}", null);
    assertThat(noSql.status()).isEqualTo(400);
    assertThat(noSql.json().get("error").asText())
        .isEqualTo("BAD_REQUEST: sql: is required (the SQL to run)");
    Answer notString = run(queryKey, null, "{\"sql\":42}", null);
    assertThat(notString.status()).isEqualTo(400);
    assertThat(notString.json().get("error").asText()).contains("sql: must be a string");
    Answer badFormat = run(queryKey, "JSON%20Each", "SELECT 1");
    assertThat(badFormat.status()).isEqualTo(400);
    assertThat(badFormat.json().get("error").asText()).contains("format: ");
    Answer badSql = run(queryKey, null, "SELEKT 1");
    assertThat(badSql.status()).isEqualTo(400);
    assertThat(badSql.json().get("error").asText())
        .startsWith("BAD_REQUEST: ClickHouse")
        .contains("Syntax error");
    assertThat(badSql.json().get("requestId").asText()).isNotEmpty();
  }

  @Test
  @Order(4)
  void readOnlyRoleReadsButCannotWriteAndAdminRoleWrites() {
    configure("sql_console_admin", "");
    assertThat(
            run(
                    queryKey,
                    null,
                    "CREATE TABLE default.notes (id UInt32, text String) ENGINE = MergeTree ORDER BY id")
                .status())
        .isEqualTo(200);
    Answer insert = run(queryKey, null, "INSERT INTO default.notes VALUES (1, 'one'), (2, 'two')");
    assertThat(insert.status()).as(insert.body()).isEqualTo(200);

    configure("sql_console_read_only", "");
    Answer read = run(queryKey, "TSV", "SELECT id, text FROM default.notes ORDER BY id");
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body()).isEqualTo("1\tone\n2\ttwo\n");
    Answer refusedInsert = run(queryKey, null, "INSERT INTO default.notes VALUES (3, 'three')");
    assertThat(refusedInsert.status()).isEqualTo(400);
    assertThat(refusedInsert.json().get("error").asText()).contains("readonly");
    Answer refusedCreate =
        run(queryKey, null, "CREATE TABLE default.other (id UInt32) ENGINE = Memory");
    assertThat(refusedCreate.status()).isEqualTo(400);
    assertThat(refusedCreate.json().get("error").asText()).contains("readonly");
    Answer refusedSetting = run(queryKey, null, "SELECT 1 SETTINGS readonly = 0");
    assertThat(refusedSetting.status())
        .as("the role cannot be lifted from inside the query")
        .isEqualTo(400);

    assertThat(run(queryKey, "TSV", "SELECT count() FROM default.notes").body()).isEqualTo("2\n");
    assertThat(
            run(
                    queryKey,
                    "TSV",
                    "SELECT count() FROM system.tables WHERE database = 'default' AND name = 'other'")
                .body())
        .as("no table created")
        .isEqualTo("0\n");

    configure("sql_console_admin", "");
    assertThat(run(queryKey, null, "INSERT INTO default.notes VALUES (3, 'three')").status())
        .isEqualTo(200);
    assertThat(run(queryKey, "TSV", "SELECT count() FROM default.notes").body()).isEqualTo("3\n");
  }

  @Test
  @Order(5)
  void allowedOriginsDriveCors() {
    configure("sql_console_read_only", ALLOWED + ",other.example.org");
    Answer allowed = preflight(ALLOWED);
    assertThat(allowed.status()).isIn(200, 204);
    assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
    assertThat(allowed.header("Access-Control-Allow-Methods")).contains("POST");
    assertThat(allowed.header("Access-Control-Allow-Headers"))
        .contains("Authorization")
        .contains("Content-Type");
    assertThat(preflight("http://other.example.org:8080").header("Access-Control-Allow-Origin"))
        .as("a bare host entry does not admit another port")
        .isNull();
    assertThat(preflight("https://other.example.org").header("Access-Control-Allow-Origin"))
        .isEqualTo("https://other.example.org");
    Answer refused = preflight("https://evil.example.net");
    assertThat(refused.status()).isIn(200, 204);
    assertThat(refused.header("Access-Control-Allow-Origin")).isNull();
    assertThat(refused.header("Access-Control-Allow-Methods")).isNull();

    String body = "{\"sql\":\"SELECT 1 AS one\"}";
    Answer fromAllowed = run(queryKey, null, body, ALLOWED);
    assertThat(fromAllowed.status()).isEqualTo(200);
    assertThat(fromAllowed.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
    Answer fromOther = run(queryKey, null, body, "https://evil.example.net");
    assertThat(fromOther.status()).as("CORS is the browser's to enforce").isEqualTo(200);
    assertThat(fromOther.header("Access-Control-Allow-Origin")).isNull();
    assertThat(run(unlistedKey, null, body, ALLOWED).header("Access-Control-Allow-Origin"))
        .as("errors are readable by an allowed page too")
        .isEqualTo(ALLOWED);

    configure("sql_console_read_only", "");
    assertThat(preflight(ALLOWED).header("Access-Control-Allow-Origin"))
        .as("\"\" allows no origin")
        .isNull();
  }

  @Test
  @Order(6)
  void deleteRemovesTheEndpointAndRunThenAnswers404() {
    configure("sql_console_read_only", "");
    ApiClient.Response deleted = chplane.api().delete(endpointPath);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.body().has("result")).isFalse();
    ApiClient.Response get = chplane.api().get(endpointPath);
    assertThat(get.status()).isEqualTo(404);
    assertThat(get.error()).startsWith("NOT_FOUND: ");
    assertThat(chplane.api().delete(endpointPath).status()).isEqualTo(404);
    Answer run = run(queryKey, null, "SELECT 1");
    assertThat(run.status()).isEqualTo(404);
    assertThat(run.json().get("error").asText()).contains("no query endpoint");
  }

  @Test
  @Order(7)
  void aStoppedServiceAnswers424() {
    configure("sql_console_read_only", "");
    assertThat(
            chplane.api().patch(service(serviceId) + "/state", "{\"command\":\"stop\"}").status())
        .isEqualTo(200);
    chplane.awaitState(serviceId, "stopped");
    Answer run = run(queryKey, null, "SELECT 1");
    assertThat(run.status()).isEqualTo(424);
    assertThat(run.json().get("error").asText()).contains("Current state: stopped");
    assertThat(chplane.api().get(endpointPath).result().get("roles"))
        .extracting(JsonNode::asText)
        .isEqualTo(List.of("sql_console_read_only"));
  }
}
