package dev.chplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.domain.ClickPipe;
import dev.chplane.it.ApiClient;
import dev.chplane.it.ChplaneProcess;
import dev.chplane.it.ClickHouseProcesses;
import dev.chplane.it.TestInstallation;
import dev.chplane.security.CredentialCipher;
import dev.chplane.security.CredentialKeyRingFile;
import dev.chplane.security.InstallationKey;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Data written by commit 76bbf26 (the fixtures under {@code src/test/resources/fixtures/76bbf26},
 * made by {@code src/test/fixtures/make-76bbf26-fixture.sh}) starts under today's code with
 * everything intact: the API answers what 76bbf26 answered (its answers are stored next to the
 * fixture), the stopped service starts with its rows, its backup restores, and the pipe's
 * credentials still decrypt (directly, and by {@code chplane rotate-credentials-key}, which must
 * open every one). Once for the embedded store, once for a PostgreSQL dump.
 */
class StoredDataCompatibilityIT {
  private static final String FIXTURE = "/fixtures/76bbf26/";
  private static final String ORG = "7d1e5a00-76bb-4f26-8000-000000000001";
  private static final String KEY_ID = "fixture-admin-76bbf26";
  private static final String KEY_SECRET = "fixture-admin-secret-76bbf26-0123456789";
  private static final String PIPE_USER = "fixture-user";
  private static final String PIPE_PASSWORD = "fixture-pipe-password-76bbf26";
  // an hour of the backup schedule lasts a year: no backup falls due and none expires while the
  // test runs
  private static final Duration BACKUP_HOUR = Duration.ofDays(365);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void embeddedStoreOf76bbf26StartsWithEverythingIntact() throws Exception {
    Path dataDir = unpack("embedded/data-dir.tar.gz");
    checkInstallation(dataDir, null, expected("embedded"));
  }

  @Test
  void postgresqlDumpOf76bbf26StartsWithEverythingIntact() throws Exception {
    try (PostgresServer postgres = PostgresServer.start()) {
      String url = postgres.createDatabase();
      load(resource("postgresql/dump.sql"), url);
      Path dataDir = unpack("postgresql/data-dir.tar.gz");
      assertThat(dataDir.resolve("meta")).doesNotExist();
      checkInstallation(dataDir, url, expected("postgresql"));
    }
  }

  private void checkInstallation(Path dataDir, String store, JsonNode expected) throws Exception {
    try {
      checkStarted(dataDir, store, expected);
    } finally {
      // TestInstallation.close() does this too, but not when chplane refused to start
      ClickHouseProcesses.killAll(dataDir);
      TestInstallation.deleteTree(dataDir);
    }
  }

  private void checkStarted(Path dataDir, String store, JsonNode expected) throws Exception {
    Instant testStart = Instant.now();
    // TestInstallation's own bootstrap key is ignored: the organization exists, so only the
    // fixture's keys work
    try (TestInstallation chplane = new TestInstallation(dataDir, store, null, BACKUP_HOUR)) {
      ApiClient api = chplane.apiWith(KEY_ID, KEY_SECRET);
      String services = "/v1/organizations/" + ORG + "/services";
      String dataService = expected.get("dataServiceId").asText();
      String idleService = expected.get("idleServiceId").asText();

      // services: ids, names, tags, IP lists (a missing description stays missing), endpoints,
      // state stopped
      JsonNode listed = ok(api.get(services));
      assertThat(ids(listed)).containsExactlyInAnyOrderElementsOf(ids(expected.get("services")));
      for (JsonNode was : expected.get("services")) {
        assertThat(was.get("state").asText()).isEqualTo("stopped");
        assertSameAs(
            was, byId(listed, was.get("id").asText()), "service " + was.get("id"), Set.of());
        assertSameAs(
            was,
            ok(api.get(services + "/" + was.get("id").asText())),
            "service " + was.get("id"),
            Set.of());
      }
      // an entry sent without a description was answered with "" by 76bbf26, and still is
      assertThat(byId(listed, dataService).get("ipAccessList").toString())
          .isEqualTo(
              "[{\"source\":\"127.0.0.1\",\"description\":\"loopback\"},{\"source\":\"10.0.0.0/8\",\"description\":\"\"}]");

      // keys: both listed as they were (usedAt moves as the test uses them), both authenticate with
      // their role
      JsonNode keys = ok(api.get("/v1/organizations/" + ORG + "/keys"));
      assertThat(ids(keys)).containsExactlyInAnyOrderElementsOf(ids(expected.get("keys")));
      for (JsonNode was : expected.get("keys")) {
        assertSameAs(
            was, byId(keys, was.get("id").asText()), "key " + was.get("id"), Set.of("usedAt"));
      }
      JsonNode developerKey = expected.get("developerKey");
      assertThat(byId(keys, developerKey.get("id").asText()).get("roles").toString())
          .isEqualTo("[\"developer\"]");
      ApiClient developer =
          chplane.apiWith(
              developerKey.get("keyId").asText(), developerKey.get("keySecret").asText());
      assertThat(developer.get(services).status()).isEqualTo(200);
      assertThat(developer.patch(services + "/" + idleService, "{\"name\":\"renamed\"}").status())
          .isEqualTo(403);
      assertThat(chplane.apiWith(KEY_ID, "not-the-secret-0123456789").get(services).status())
          .isEqualTo(401);

      // the pipe: source, destination, mappings, settings and state as stored; no credential
      // failure
      JsonNode pipes = ok(api.get(services + "/" + dataService + "/clickpipes"));
      assertThat(ids(pipes)).containsExactlyInAnyOrderElementsOf(ids(expected.get("pipes")));
      for (JsonNode was : expected.get("pipes")) {
        assertSameAs(was, byId(pipes, was.get("id").asText()), "pipe " + was.get("id"), Set.of());
      }
      String pipeId = expected.get("pipeId").asText();
      JsonNode pipe = byId(pipes, pipeId);
      assertThat(pipe.at("/source/kafka/authentication").asText()).isEqualTo("SCRAM-SHA-256");
      assertThat(pipe.at("/source/kafka/brokers").asText()).isEqualTo("127.0.0.1:9");
      assertThat(pipe.toString()).doesNotContain(PIPE_PASSWORD);

      // backups: the same ones, done, with their sizes; the backup configurations
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.get("backups").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        JsonNode backups = ok(api.get(services + "/" + entry.getKey() + "/backups"));
        assertThat(ids(backups)).containsExactlyInAnyOrderElementsOf(ids(entry.getValue()));
        for (JsonNode was : entry.getValue()) {
          assertSameAs(
              was, byId(backups, was.get("id").asText()), "backup " + was.get("id"), Set.of());
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.get("backupConfigurations").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        assertSameAs(
            entry.getValue(),
            ok(api.get(services + "/" + entry.getKey() + "/backupConfiguration")),
            "backup configuration of " + entry.getKey(),
            Set.of());
      }
      assertThat(
              expected
                  .at("/backupConfigurations/" + dataService + "/backupRetentionPeriodInHours")
                  .asInt())
          .isEqualTo(1080);
      List<JsonNode> done = new ArrayList<>();
      expected
          .get("backups")
          .get(dataService)
          .forEach(
              b -> {
                if (b.get("status").asText().equals("done")) {
                  done.add(b);
                }
              });
      assertThat(done)
          .isNotEmpty()
          .allSatisfy(b -> assertThat(b.get("sizeInBytes").asLong()).isPositive());

      // the query endpoint
      assertSameAs(
          expected.get("queryEndpoint"),
          ok(api.get(services + "/" + dataService + "/serviceQueryEndpoint")),
          "query endpoint",
          Set.of());

      // activities: exactly those 76bbf26 recorded, unchanged (today's code may add its own from
      // now on)
      JsonNode activities = ok(api.get("/v1/organizations/" + ORG + "/activities"));
      List<JsonNode> before = new ArrayList<>();
      activities.forEach(
          a -> {
            if (Instant.parse(a.get("createdAt").asText()).isBefore(testStart)) {
              before.add(a);
            }
          });
      assertThat(before.stream().map(a -> a.get("id").asText()).toList())
          .containsExactlyInAnyOrderElementsOf(ids(expected.get("activities")));
      for (JsonNode was : expected.get("activities")) {
        assertSameAs(
            was, byId(activities, was.get("id").asText()), "activity " + was.get("id"), Set.of());
      }
      assertThat(types(before)).isEqualTo(types(expected.get("activities")));

      // the stopped service starts with its rows, read through its query endpoint with the
      // developer key
      ok(api.patch(services + "/" + dataService + "/state", "{\"command\":\"start\"}"));
      awaitState(api, services + "/" + dataService, "running");
      JsonNode rows = expected.get("rows");
      String sql =
          "SELECT count() AS n, toString(sum(cityHash64(id, name, at))) AS checksum FROM "
              + rows.get("table").asText();
      assertThat(runQuery(chplane.apiPort(), dataService, developerKey, sql))
          .isEqualTo(
              JSON.createObjectNode()
                  .put("n", rows.get("count").asText())
                  .put("checksum", rows.get("checksum").asText()));

      // the 76bbf26 backup restores into a new service with the same rows
      JsonNode backup = done.get(done.size() - 1);
      JsonNode restored =
          ok(
              api.post(
                  services,
                  "{\"name\":\"restored\",\"provider\":\"aws\",\"region\":\"us-east-1\","
                      + "\"backupId\":\""
                      + backup.get("id").asText()
                      + "\",\"ipAccessList\":[{\"source\":\"127.0.0.1\"}]}"));
      String restoredId = restored.at("/service/id").asText();
      awaitState(api, services + "/" + restoredId, "running");
      ok(
          api.post(
              services + "/" + restoredId + "/serviceQueryEndpoint",
              "{\"roles\":[\"sql_console_read_only\"],"
                  + "\"openApiKeys\":[\""
                  + developerKey.get("id").asText()
                  + "\"],\"allowedOrigins\":\"\"}"));
      assertThat(runQuery(chplane.apiPort(), restoredId, developerKey, sql))
          .isEqualTo(
              JSON.createObjectNode()
                  .put("n", rows.get("count").asText())
                  .put("checksum", rows.get("checksum").asText()));

      // the pipe never failed on its credentials, and they still decrypt to what was sent
      JsonNode pipeNow = ok(api.get(services + "/" + dataService + "/clickpipes/" + pipeId));
      assertThat(pipeNow.path("failureReason").asText()).doesNotContainIgnoringCase("credential");
      chplane.stopChplane();
      assertThat(storedPipeCredentials(dataDir, store, pipeId))
          .containsEntry("username", PIPE_USER)
          .containsEntry("password", PIPE_PASSWORD);
      // the user's command that must open every stored credential: it re-encrypts the 76bbf26 value
      // with a new key
      ChplaneProcess.Finished rotated =
          store == null
              ? new ChplaneProcess(dataDir).run("rotate-credentials-key")
              : new ChplaneProcess(dataDir).run("rotate-credentials-key", "--store", store);
      assertThat(rotated.exitCode()).as(rotated.output()).isZero();
      assertThat(rotated.output())
          .contains("re-encrypted the credentials of 1 of 1 pipes")
          .doesNotContain(PIPE_PASSWORD);
      assertThat(storedPipeCredentials(dataDir, store, pipeId))
          .containsEntry("username", PIPE_USER)
          .containsEntry("password", PIPE_PASSWORD);
    }
    assertThat(dataDir).doesNotExist();
  }

  /**
   * Opens the pipe's stored credentials as chplane does: the store's value, the ring in
   * DATA_DIR/secrets.
   */
  private static Map<String, String> storedPipeCredentials(
      Path dataDir, String store, String pipeId) throws IOException {
    MetadataStore metadata =
        MetadataStores.open(store == null ? MetadataStores.EMBEDDED : store, dataDir);
    try {
      ClickPipe pipe =
          metadata.listAllPipes().stream()
              .filter(p -> p.id().toString().equals(pipeId))
              .findFirst()
              .orElseThrow(() -> new AssertionError("pipe " + pipeId + " is not in the store"));
      assertThat(pipe.encryptedCredentials()).isNotNull().doesNotContain(PIPE_PASSWORD);
      Path secrets = dataDir.resolve("secrets");
      CredentialCipher cipher =
          new CredentialCipher(
              new CredentialKeyRingFile(
                      secrets, InstallationKey.loadOrCreate(InstallationKey.file(dataDir)))
                  .loadOrCreate());
      JsonNode plain = JSON.readTree(cipher.decrypt(pipe.encryptedCredentials()));
      Map<String, String> out = new HashMap<>();
      plain
          .fields()
          .forEachRemaining(
              e -> out.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
      return out;
    } finally {
      metadata.close();
    }
  }

  /**
   * Every field 76bbf26 answered is answered the same (objects recursively; arrays element by
   * element); fields today's code adds are allowed.
   */
  private static void assertSameAs(JsonNode was, JsonNode now, String where, Set<String> ignored) {
    assertThat(now).as(where + " is missing").isNotNull();
    if (was.isObject()) {
      assertThat(now.isObject()).as(where + " is no longer an object: " + now).isTrue();
      was.fields()
          .forEachRemaining(
              e -> {
                if (!ignored.contains(e.getKey())) {
                  assertThat(now.has(e.getKey()))
                      .as(where + "." + e.getKey() + " is gone: " + now)
                      .isTrue();
                  assertSameAs(
                      e.getValue(), now.get(e.getKey()), where + "." + e.getKey(), ignored);
                }
              });
    } else if (was.isArray()) {
      assertThat(now.isArray()).as(where + " is no longer an array: " + now).isTrue();
      assertThat(now.size()).as(where + " size: " + now).isEqualTo(was.size());
      for (int i = 0; i < was.size(); i++) {
        assertSameAs(was.get(i), now.get(i), where + "[" + i + "]", ignored);
      }
    } else {
      assertThat(now).as(where).isEqualTo(was);
    }
  }

  private static JsonNode runQuery(int apiPort, String serviceId, JsonNode key, String sql)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + apiPort
                        + "/service/"
                        + serviceId
                        + "/run?format=JSONEachRow"))
            .header("Content-Type", "application/json")
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            (key.get("keyId").asText() + ":" + key.get("keySecret").asText())
                                .getBytes(StandardCharsets.UTF_8)))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    JSON.createObjectNode().put("sql", sql).toString()))
            .build();
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static void awaitState(ApiClient api, String path, String state) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> state.equals(api.get(path).result().path("state").asText()));
  }

  private static JsonNode ok(ApiClient.Response r) {
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    return r.result();
  }

  private static List<String> ids(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get("id").asText()));
    return out;
  }

  private static JsonNode byId(JsonNode array, String id) {
    for (JsonNode n : array) {
      if (n.get("id").asText().equals(id)) {
        return n;
      }
    }
    return null;
  }

  private static Map<String, Integer> types(Iterable<JsonNode> activities) {
    Map<String, Integer> out = new HashMap<>();
    activities.forEach(a -> out.merge(a.get("type").asText(), 1, Integer::sum));
    return out;
  }

  private static JsonNode expected(String store) throws IOException {
    return JSON.readTree(resource(store + "/expected.json").toFile());
  }

  private static Path resource(String name) {
    URL url = StoredDataCompatibilityIT.class.getResource(FIXTURE + name);
    assertThat(url).as("fixture " + FIXTURE + name).isNotNull();
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Unpacks a fixture's data directory with tar, which keeps its file modes. */
  private static Path unpack(String tarball) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("chplane-76bbf26-");
    run(List.of("tar", "-xzf", resource(tarball).toString(), "-C", dir.toString()), null);
    return dir;
  }

  /** Loads a plain pg_dump into the database at {@code url} with psql. */
  private static void load(Path dump, String url) throws IOException, InterruptedException {
    run(List.of("psql", "-q", "-v", "ON_ERROR_STOP=1", "-f", dump.toString(), url), null);
  }

  private static void run(List<String> command, File dir) throws IOException, InterruptedException {
    Path output = Files.createTempFile("chplane-76bbf26-", ".out");
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(dir)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command + " did not finish in 120 s");
      }
      assertThat(p.exitValue()).as(command + ": " + Files.readString(output)).isZero();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
