package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retention never breaks a chain a kept backup needs. An hour of the schedule lasts half a second.
 */
class BackupChainIT {
  private static TestInstallation chplane;

  @BeforeAll
  static void start() {
    chplane = new TestInstallation(null, null, Duration.ofMillis(500));
  }

  @AfterAll
  static void stop() {
    chplane.close();
  }

  @Test
  void anIncrementalBackupStillRestoresAfterTheFullBackupOfItsChainExpired() throws Exception {
    JsonNode created =
        chplane.createRunning("chain", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
    String id = created.at("/service/id").asText();
    ServiceData data =
        new ServiceData(
            chplane.caCertificate(), created.get("service"), created.get("password").asText());
    data.sql("CREATE TABLE default.kept (n UInt64) ENGINE = MergeTree ORDER BY n");
    data.sql("INSERT INTO default.kept SELECT number FROM numbers(5000)");
    Map<String, String> expected = data.checksums();
    // every 3 s, kept 12 s: the full backup expires while incrementals of its chain are kept
    chplane
        .api()
        .patch(
            service(id) + "/backupConfiguration",
            "{\"backupPeriodInHours\":6,\"backupRetentionPeriodInHours\":24}");
    String[] full = new String[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (JsonNode b : chplane.api().get(service(id) + "/backups").result()) {
                if (b.get("type").asText().equals("full")
                    && b.get("status").asText().equals("done")) {
                  full[0] = b.get("id").asText();
                }
              }
              return full[0] != null;
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> chplane.api().get(service(id) + "/backups/" + full[0]).status() == 404);
    JsonNode kept = null;
    for (JsonNode b : chplane.api().get(service(id) + "/backups").result()) {
      if (b.get("status").asText().equals("done") && b.get("type").asText().equals("incremental")) {
        kept = b;
        break;
      }
    }
    assertThat(kept).as("an incremental of the expired full's chain is still kept").isNotNull();
    JsonNode restored =
        chplane.create(
            "{\"name\":\"from chain\",\"provider\":\"aws\",\"region\":\"us-east-1\",\"backupId\":\""
                + kept.get("id").asText()
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
