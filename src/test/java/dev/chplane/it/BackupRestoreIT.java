package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scheduled full and incremental backups of real data, restored into new services, with an hour of
 * the backup schedule lasting half a second (a 6-hour period is 3 s).
 */
class BackupRestoreIT {
  private static TestInstallation chplane;

  @BeforeAll
  static void start() {
    chplane = new TestInstallation(null, null, Duration.ofMillis(500));
  }

  @AfterAll
  static void stop() {
    chplane.close();
  }

  private static JsonNode backups(String id) {
    return chplane.api().get(service(id) + "/backups").result();
  }

  /** Waits for the next backup after the {@code known} ones to finish, and returns it. */
  private static JsonNode nextBackup(String id, int known) {
    JsonNode[] found = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              JsonNode list = backups(id);
              if (list.size() <= known) {
                return false;
              }
              found[0] = list.get(0);
              return !found[0].get("status").asText().equals("in_progress");
            });
    assertThat(found[0].get("status").asText()).as(found[0].toString()).isEqualTo("done");
    return found[0];
  }

  private static JsonNode restore(String backupId, String region) {
    JsonNode created =
        chplane.create(
            "{\"name\":\"restored\",\"provider\":\"aws\",\"region\":\""
                + region
                + "\",\"backupId\":\""
                + backupId
                + "\",\"ipAccessList\":[{\"source\":\"127.0.0.1\",\"description\":\"\"}]}");
    chplane.awaitState(created.at("/service/id").asText(), "running");
    return created;
  }

  private static Map<String, String> restoredChecksums(JsonNode created) throws Exception {
    return new ServiceData(
            chplane.caCertificate(), created.get("service"), created.get("password").asText())
        .checksums();
  }

  @Test
  void fullThenIncrementalBackupsRestoreEachPointEvenAfterTheSourceDataIsGone() throws Exception {
    JsonNode created =
        chplane.createRunning("backed up", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
    String id = created.at("/service/id").asText();
    ServiceData data =
        new ServiceData(
            chplane.caCertificate(), created.get("service"), created.get("password").asText());
    data.sql("CREATE DATABASE shop");
    data.sql(
        "CREATE TABLE shop.orders (d Date, id UInt64, amount Float64) ENGINE = MergeTree PARTITION BY toYYYYMM(d) ORDER BY id");
    data.sql(
        "CREATE TABLE shop.users (id UInt64, name String, v UInt32) ENGINE = ReplacingMergeTree(v) ORDER BY id");
    data.sql("CREATE TABLE default.events (ts DateTime, n UInt64) ENGINE = MergeTree ORDER BY ts");
    data.sql(
        "CREATE MATERIALIZED VIEW shop.daily ENGINE = SummingMergeTree ORDER BY d AS SELECT d, sum(amount) AS total FROM shop.orders GROUP BY d");
    data.sql(
        "INSERT INTO shop.orders SELECT toDate('2024-01-01') + number % 90, number, number / 3 FROM numbers(20000)");
    data.sql(
        "INSERT INTO shop.users SELECT number % 500, concat('user', toString(number)), number FROM numbers(2000)");
    for (int i = 0; i < 12; i++) {
      data.sql(
          "INSERT INTO default.events SELECT now() + number, number + " + i + " FROM numbers(100)");
    }
    chplane
        .api()
        .patch(
            service(id) + "/backupConfiguration",
            "{\"backupPeriodInHours\":6,\"backupRetentionPeriodInHours\":48}");

    List<JsonNode> taken = new ArrayList<>();
    Map<String, Map<String, String>> expected = new LinkedHashMap<>();
    taken.add(nextBackup(id, 0));
    expected.put(taken.get(0).get("id").asText(), data.checksums());
    data.sql(
        "INSERT INTO shop.orders SELECT toDate('2024-06-01'), number + 100000, 1 FROM numbers(5000)");
    data.sql("INSERT INTO shop.users SELECT number, 'renamed', 99999 FROM numbers(10)");
    taken.add(nextBackup(id, 1));
    expected.put(taken.get(1).get("id").asText(), data.checksums());
    taken.add(nextBackup(id, 2));
    expected.put(taken.get(2).get("id").asText(), data.checksums());

    assertThat(taken)
        .extracting(b -> b.get("type").asText())
        .containsExactly("full", "incremental", "incremental");
    long full = taken.get(0).get("sizeInBytes").asLong();
    long unchanged = taken.get(2).get("sizeInBytes").asLong();
    assertThat(unchanged)
        .as("an unchanged incremental adds only its manifest")
        .isLessThan(full / 20);
    assertThat(taken.get(1).get("sizeInBytes").asLong()).isGreaterThan(unchanged).isLessThan(full);
    assertThat(expected.get(taken.get(0).get("id").asText()))
        .isNotEqualTo(expected.get(taken.get(1).get("id").asText()));
    assertThat(
            chplane
                .api()
                .get(service(id) + "/backups/" + taken.get(0).get("id").asText())
                .result()
                .get("finishedAt")
                .asText())
        .isNotEmpty();

    chplane.api().patch(service(id) + "/state", "{\"command\":\"stop\"}");
    chplane.awaitState(id, "stopped");
    TestInstallation.deleteTree(chplane.serviceDir(id).resolve("data"));
    for (JsonNode b : taken) {
      JsonNode restored = restore(b.get("id").asText(), "us-east-1");
      assertThat(restoredChecksums(restored)).isEqualTo(expected.get(b.get("id").asText()));
    }
  }

  @Test
  void badOrForeignBackupIdsAreRefusedClearly() {
    String missing =
        chplane
            .api()
            .post(
                TestInstallation.services(),
                "{\"name\":\"x\",\"provider\":\"aws\","
                    + "\"region\":\"us-east-1\",\"backupId\":\"00000000-0000-4000-8000-000000000042\"}")
            .error();
    assertThat(missing).startsWith("NOT_FOUND: ").contains("backupId");
    assertThat(
            chplane
                .api()
                .post(
                    TestInstallation.services(),
                    "{\"name\":\"x\",\"provider\":\"aws\","
                        + "\"region\":\"us-east-1\",\"backupId\":\"nope\"}")
                .error())
        .contains("backupId: must be a UUID");

    JsonNode created = chplane.createRunning("region bound", "[]");
    String id = created.at("/service/id").asText();
    chplane.api().patch(service(id) + "/backupConfiguration", "{\"backupPeriodInHours\":6}");
    String backupId = nextBackup(id, 0).get("id").asText();
    ApiClient.Response wrongRegion =
        chplane
            .api()
            .post(
                TestInstallation.services(),
                "{\"name\":\"x\",\"provider\":\"aws\","
                    + "\"region\":\"eu-west-1\",\"backupId\":\""
                    + backupId
                    + "\"}");
    assertThat(wrongRegion.status()).isEqualTo(400);
    assertThat(wrongRegion.error()).contains("region").contains("us-east-1");
  }

  @Test
  void stoppedServicesAreNotWokenAndDeletedServicesKeepTheirBackupsUntilTheyExpire()
      throws Exception {
    JsonNode created =
        chplane.createRunning("short lived", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
    String id = created.at("/service/id").asText();
    ServiceData data =
        new ServiceData(
            chplane.caCertificate(), created.get("service"), created.get("password").asText());
    data.sql("CREATE TABLE default.kept (n UInt64) ENGINE = MergeTree ORDER BY n");
    data.sql("INSERT INTO default.kept SELECT number FROM numbers(1234)");
    chplane
        .api()
        .patch(
            service(id) + "/backupConfiguration",
            "{\"backupPeriodInHours\":6,\"backupRetentionPeriodInHours\":24}");
    String backupId = nextBackup(id, 0).get("id").asText();
    chplane.api().patch(service(id) + "/state", "{\"command\":\"stop\"}");
    chplane.awaitState(id, "stopped");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                chplane
                    .api()
                    .get("/v1/organizations/" + TestInstallation.ORG + "/activities")
                    .result()
                    .toString()
                    .contains("backup skipped: the service is stopped"));
    assertThat(backups(id).size()).isEqualTo(1);

    chplane.api().delete(service(id));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> chplane.api().get(service(id)).status() == 404);
    assertThat(chplane.api().get(service(id) + "/backups").status()).isEqualTo(404);
    assertThat(restoredChecksums(restore(backupId, "us-east-1")))
        .containsEntry("default.kept", "1234\t" + sumOfHashes());

    // 24 schedule hours after it was taken (12 s here) the backup is gone, with its parts
    await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                chplane
                        .api()
                        .post(
                            TestInstallation.services(),
                            "{\"name\":\"late\",\"provider\":\"aws\",\"region\":\"us-east-1\","
                                + "\"backupId\":\""
                                + backupId
                                + "\"}")
                        .status()
                    == 404);
    Path chains = chplane.dataDir().resolve("backups/services/" + id);
    await().atMost(Duration.ofSeconds(10)).until(() -> !chains.toFile().exists());
  }

  private static String sumOfHashes() throws Exception {
    JsonNode any =
        chplane.createRunning("hasher", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
    return new ServiceData(
            chplane.caCertificate(), any.get("service"), any.get("password").asText())
        .sql("SELECT sum(cityHash64(number)) FROM numbers(1234)")
        .strip();
  }
}
