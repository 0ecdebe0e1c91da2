package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Backups to an S3-compatible bucket (a real s3proxy), restored into a new service. */
class S3BackupIT {
  private static S3Server s3;
  private static TestInstallation chplane;

  @BeforeAll
  static void start() {
    s3 = new S3Server();
    chplane = new TestInstallation(null, S3Server.backupStorage(s3.port()), Duration.ofMillis(500));
  }

  @AfterAll
  static void stop() {
    if (chplane != null) {
      chplane.close();
    }
    s3.close();
  }

  private static JsonNode nextDone(String id, int known) {
    JsonNode[] found = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              JsonNode list = chplane.api().get(service(id) + "/backups").result();
              found[0] = list.size() > known ? list.get(0) : null;
              return found[0] != null && !found[0].get("status").asText().equals("in_progress");
            });
    assertThat(found[0].get("status").asText()).as(found[0].toString()).isEqualTo("done");
    return found[0];
  }

  @Test
  void backupsGoToTheBucketAndRestoreFromIt() throws Exception {
    JsonNode created =
        chplane.createRunning("to s3", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
    String id = created.at("/service/id").asText();
    ServiceData data =
        new ServiceData(
            chplane.caCertificate(), created.get("service"), created.get("password").asText());
    data.sql(
        "CREATE TABLE default.m (d Date, n UInt64) ENGINE = MergeTree PARTITION BY toYYYYMM(d) ORDER BY n");
    data.sql(
        "INSERT INTO default.m SELECT toDate('2025-01-01') + number % 40, number FROM numbers(50000)");
    chplane.api().patch(service(id) + "/backupConfiguration", "{\"backupPeriodInHours\":6}");
    nextDone(id, 0);
    data.sql("INSERT INTO default.m SELECT toDate('2025-03-01'), number FROM numbers(777)");
    Map<String, String> expected = data.checksums();
    JsonNode incremental = nextDone(id, 1);
    assertThat(incremental.get("type").asText()).isEqualTo("incremental");

    List<String> keys = s3.keys();
    assertThat(keys)
        .contains("chplane/backups/" + incremental.get("id").asText() + "/manifest.json");
    assertThat(keys)
        .anyMatch(
            k -> k.startsWith("chplane/services/" + id + "/chains/") && k.endsWith(".complete"));
    assertThat(chplane.dataDir().resolve("backups")).doesNotExist();

    JsonNode restored =
        chplane.create(
            "{\"name\":\"from s3\",\"provider\":\"aws\",\"region\":\"us-east-1\",\"backupId\":\""
                + incremental.get("id").asText()
                + "\",\"ipAccessList\":[{\"source\":\"127.0.0.1\",\"description\":\"\"}]}");
    chplane.awaitState(restored.at("/service/id").asText(), "running");
    assertThat(
            new ServiceData(
                    chplane.caCertificate(),
                    restored.get("service"),
                    restored.get("password").asText())
                .checksums())
        .isEqualTo(expected);
  }
}
