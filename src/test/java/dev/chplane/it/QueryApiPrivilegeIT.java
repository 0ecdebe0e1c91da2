package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.provision.QueryLimits;
import dev.chplane.provision.local.ClickHouseConfig;
import dev.chplane.security.InstallationKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Least privilege of the Query API on a real 18.16 server: calls run as the service's query users,
 * never as chplane's internal user; a read-only key can neither cancel a query of chplane's own
 * user nor lift or outrun the read-only limits (lowered here to 2 s and 50 million rows); an admin
 * endpoint still writes.
 */
class QueryApiPrivilegeIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final QueryLimits LIMITS = new QueryLimits(2, 1L << 30, 50_000_000);

  private static TestInstallation chplane;
  private static String serviceId;
  private static String readerId;
  private static String readerKeyId;
  private static String readerSecret;

  /** An answer of the run endpoint. */
  record Answer(int status, String body) {
    String error() {
      try {
        return JSON.readTree(body).path("error").asText();
      } catch (IOException e) {
        return body;
      }
    }
  }

  @BeforeAll
  static void start() {
    TestInstallation.QUERY_LIMITS.set(LIMITS);
    try {
      chplane = new TestInstallation();
    } finally {
      TestInstallation.QUERY_LIMITS.remove();
    }
    serviceId =
        chplane
            .createRunning("least-privilege", "[{\"source\":\"127.0.0.1\"}]")
            .at("/service/id")
            .asText();
    ApiClient.Response key =
        chplane
            .api()
            .post(
                "/v1/organizations/" + TestInstallation.ORG + "/keys",
                "{\"name\":\"reader\",\"roles\":[\"query_endpoints\"]}");
    assertThat(key.status()).as(key.body().toString()).isEqualTo(200);
    readerId = key.result().at("/key/id").asText();
    readerKeyId = key.result().get("keyId").asText();
    readerSecret = key.result().get("keySecret").asText();
  }

  @AfterAll
  static void stop() {
    chplane.close();
  }

  private static void configure(String role) {
    ApiClient.Response r =
        chplane
            .api()
            .post(
                service(serviceId) + "/serviceQueryEndpoint",
                "{\"roles\":[\"" + role + "\"],\"openApiKeys\":[\"" + readerId + "\"]}");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
  }

  private static Answer run(String sql) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + chplane.apiPort()
                        + "/service/"
                        + serviceId
                        + "/run?format=TSV"))
            .header("Content-Type", "application/json")
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            (readerKeyId + ":" + readerSecret).getBytes(StandardCharsets.UTF_8)))
            .timeout(Duration.ofSeconds(60))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    JSON.createObjectNode().put("sql", sql).toString()))
            .build();
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The ClickHouse user a Query API call runs as (18.16 has no currentUser(); its own process-list
   * row tells).
   */
  private static String callingUser() {
    String marker = "who-" + UUID.randomUUID();
    Answer who = run("SELECT user FROM system.processes WHERE query LIKE '%" + marker + "%'");
    assertThat(who.status()).as(who.body()).isEqualTo(200);
    return who.body().strip();
  }

  private static ClickHouseClients.Answer asInternalUser(String sql) throws Exception {
    String password =
        InstallationKey.loadOrCreate(InstallationKey.file(chplane.dataDir()))
            .derive("clickhouse-internal-user:" + serviceId);
    return ClickHouseClients.https(
        chplane.caCertificate(),
        TestInstallation.internalHttpsPort(chplane.serviceDir(serviceId)),
        "127.0.0.1",
        ClickHouseConfig.INTERNAL_USER,
        password,
        sql);
  }

  @Test
  void eachRoleRunsAsItsOwnQueryUserNeverTheInternalOne() {
    configure("sql_console_read_only");
    assertThat(callingUser()).isEqualTo("chplane_query_ro");
    configure("sql_console_admin");
    assertThat(callingUser()).isEqualTo("chplane_query_admin");
  }

  @Test
  void aReadOnlyKeyCannotCancelChplanesOwnQuery() throws Exception {
    configure("sql_console_read_only");
    String marker = "victim-" + UUID.randomUUID();
    // a long query of chplane's internal user, as a backup or a pipe's insert would be
    CompletableFuture<ClickHouseClients.Answer> victim =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return asInternalUser(
                    "SELECT count(), '"
                        + marker
                        + "' FROM (SELECT number FROM system.numbers LIMIT 100000000000)");
              } catch (Exception e) {
                return new ClickHouseClients.Answer(0, e.toString());
              }
            });
    String find =
        "SELECT query_id FROM system.processes WHERE user = '"
            + ClickHouseConfig.INTERNAL_USER
            + "' AND query LIKE '%"
            + marker
            + "%' AND query NOT LIKE '%system.processes%'";
    try {
      String[] queryId = new String[1];
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                queryId[0] = run(find).body().strip();
                return !queryId[0].isEmpty();
              });
      Answer kill = run("KILL QUERY WHERE query_id = '" + queryId[0] + "' SYNC");
      assertThat(kill.status()).as(kill.body()).isEqualTo(400);
      assertThat(kill.error())
          .contains(
              "Readonly user chplane_query_ro attempts to kill query created by "
                  + ClickHouseConfig.INTERNAL_USER);
      assertThat(run(find).body().strip()).as("the query still runs").isEqualTo(queryId[0]);
      assertThat(victim).isNotDone();
    } finally {
      asInternalUser(
          "KILL QUERY WHERE query LIKE '%" + marker + "%' AND query NOT LIKE '%KILL%' SYNC");
      victim.get();
    }
  }

  @Test
  void readOnlyQueriesAreStoppedAtTheLimitsAndCannotLiftThem() {
    configure("sql_console_read_only");
    Answer rows = run("SELECT count() FROM (SELECT number FROM system.numbers LIMIT 1000000000)");
    assertThat(rows.status()).as(rows.body()).isEqualTo(400);
    assertThat(rows.error())
        .startsWith("BAD_REQUEST: ClickHouse refused the query")
        .contains("Limit for rows");
    Answer time = run("SELECT sleep(3)");
    assertThat(time.status()).as(time.body()).isEqualTo(400);
    assertThat(time.error()).contains("Timeout exceeded");
    Answer lifted = run("SELECT sleep(3) SETTINGS max_execution_time = 0");
    assertThat(lifted.status()).as(lifted.body()).isEqualTo(400);
    assertThat(lifted.error()).contains("readonly");
    assertThat(run("SELECT count() FROM (SELECT number FROM system.numbers LIMIT 1000)").body())
        .isEqualTo("1000\n");
  }

  @Test
  void anAdminEndpointStillWritesWithoutTheReadOnlyLimits() {
    configure("sql_console_admin");
    Answer create =
        run("CREATE TABLE default.privileged (id UInt32) ENGINE = MergeTree ORDER BY id");
    assertThat(create.status()).as(create.body()).isEqualTo(200);
    Answer insert = run("INSERT INTO default.privileged SELECT number FROM system.numbers LIMIT 3");
    assertThat(insert.status()).as(insert.body()).isEqualTo(200);
    assertThat(run("SELECT count() FROM default.privileged").body()).isEqualTo("3\n");
    Answer slow = run("SELECT sleep(3)");
    assertThat(slow.status())
        .as("the limits are the read-only role's: " + slow.body())
        .isEqualTo(200);
    configure("sql_console_read_only");
    assertThat(run("SELECT count() FROM default.privileged").body()).isEqualTo("3\n");
    assertThat(run("INSERT INTO default.privileged VALUES (4)").error()).contains("readonly");
  }
}
