package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A kill -9 of chplane in the middle of a backup: never a done backup with missing parts. */
class BackupCrashIT {
  private Path dataDir;
  private ChplaneProcess chplane;

  @BeforeEach
  void start() throws IOException {
    dataDir = Files.createTempDirectory("chplane-backup-crash-");
    chplane = new ChplaneProcess(dataDir, "--backup-hour-seconds", "1").start();
  }

  @AfterEach
  void stop() {
    chplane.close();
    ClickHouseProcesses.killAll(dataDir);
    TestInstallation.deleteTree(dataDir);
  }

  private JsonNode awaitState(String id, String state) {
    return chplane.awaitState(id, state);
  }

  @Test
  void killDuringABackupLeavesItInErrorAndTheNextOneSucceeds() throws Exception {
    ApiClient.Response created =
        chplane
            .api()
            .post(
                TestInstallation.services(),
                "{\"name\":\"big\",\"provider\":\"aws\","
                    + "\"region\":\"us-east-1\",\"ipAccessList\":[{\"source\":\"127.0.0.1\",\"description\":\"\"}]}");
    String id = created.result().at("/service/id").asText();
    JsonNode running = awaitState(id, "running");
    ServiceData data =
        new ServiceData(
            dataDir.resolve("tls/ca.pem"), running, created.result().get("password").asText());
    data.sql(
        "CREATE TABLE default.big (n UInt64, a String, b String) ENGINE = MergeTree ORDER BY n");
    // enough data (a few hundred MB) that copying it takes long enough to be interrupted
    for (int i = 0; i < 4; i++) {
      data.sql(
          "INSERT INTO default.big SELECT number, hex(cityHash64(number)), hex(cityHash64(number, "
              + i
              + ")) FROM numbers("
              + (i * 3_000_000)
              + ", 3000000)");
    }
    // and many small parts: each file of each part is copied and fsynced on its own, which takes
    // seconds
    data.sql(
        "CREATE TABLE default.many (n UInt64) ENGINE = MergeTree PARTITION BY n % 90 ORDER BY n");
    for (int i = 0; i < 4; i++) {
      data.sql("INSERT INTO default.many SELECT number FROM numbers(" + (i * 1000) + ", 1000)");
    }
    String expected = data.checksums().get("default.big");
    chplane
        .api()
        .patch(
            service(id) + "/backupConfiguration",
            "{\"backupPeriodInHours\":6,\"backupRetentionPeriodInHours\":240}");

    String[] inProgress = new String[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              JsonNode list = chplane.api().get(service(id) + "/backups").result();
              boolean busy =
                  list.size() > 0 && list.get(0).get("status").asText().equals("in_progress");
              inProgress[0] = busy ? list.get(0).get("id").asText() : null;
              return busy;
            });
    chplane.kill9();
    chplane.start();

    // by id: the next scheduled backup may already have started
    JsonNode interrupted = chplane.api().get(service(id) + "/backups/" + inProgress[0]).result();
    assertThat(interrupted.get("status").asText()).isEqualTo("error");
    String activities =
        chplane
            .api()
            .get("/v1/organizations/" + TestInstallation.ORG + "/activities")
            .result()
            .toString();
    assertThat(activities).contains("chplane stopped while this backup was running");

    JsonNode[] next = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              for (JsonNode b : chplane.api().get(service(id) + "/backups").result()) {
                if (b.get("status").asText().equals("done")) {
                  next[0] = b;
                  return true;
                }
              }
              return false;
            });
    assertThat(next[0].get("type").asText()).isEqualTo("full");

    ApiClient.Response restored =
        chplane
            .api()
            .post(
                TestInstallation.services(),
                "{\"name\":\"restored\","
                    + "\"provider\":\"aws\",\"region\":\"us-east-1\",\"backupId\":\""
                    + next[0].get("id").asText()
                    + "\",\"ipAccessList\":[{\"source\":\"127.0.0.1\",\"description\":\"\"}]}");
    String restoredId = restored.result().at("/service/id").asText();
    JsonNode restoredService = awaitState(restoredId, "running");
    assertThat(
            new ServiceData(
                    dataDir.resolve("tls/ca.pem"),
                    restoredService,
                    restored.result().get("password").asText())
                .checksums())
        .containsEntry("default.big", expected);
  }
}
