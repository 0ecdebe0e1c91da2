package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A change of {@code backupRetentionPeriodInHours} applies to the backups that exist. An hour of
 * the schedule lasts half a second: a retention of 24 hours is 12 s, one of 1080 hours is 9
 * minutes.
 */
class BackupRetentionIT {
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
  void raisingRetentionKeepsExistingBackupsLongerAndLoweringItExpiresOlderOnes() {
    String id =
        chplane
            .createRunning("retention", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]")
            .at("/service/id")
            .asText();
    // a backup every 3 s, kept 12 s
    assertThat(
            chplane
                .api()
                .patch(
                    service(id) + "/backupConfiguration",
                    "{\"backupPeriodInHours\":6,\"backupRetentionPeriodInHours\":24}")
                .status())
        .isEqualTo(200);
    JsonNode first =
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> done(id).stream().findFirst().orElse(null), b -> b != null);
    Instant firstStarted = Instant.parse(first.get("startedAt").asText());

    assertThat(
            chplane
                .api()
                .patch(
                    service(id) + "/backupConfiguration", "{\"backupRetentionPeriodInHours\":1080}")
                .status())
        .isEqualTo(200);
    // once chplane has started a backup 15 s after the first, the first is past the 12 s it was
    // taken with
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                done(id).stream()
                    .anyMatch(
                        b ->
                            Instant.parse(b.get("startedAt").asText())
                                .isAfter(firstStarted.plusSeconds(15))));
    assertThat(chplane.api().get(service(id) + "/backups/" + first.get("id").asText()).status())
        .as("raised retention keeps the backup taken before the change")
        .isEqualTo(200);
    String keptLonger = done(id).get(0).get("id").asText();

    assertThat(
            chplane
                .api()
                .patch(
                    service(id) + "/backupConfiguration", "{\"backupRetentionPeriodInHours\":24}")
                .status())
        .isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                chplane.api().get(service(id) + "/backups/" + first.get("id").asText()).status()
                    == 404);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> chplane.api().get(service(id) + "/backups/" + keptLonger).status() == 404);
  }

  /** The service's done backups, newest first. */
  private static List<JsonNode> done(String id) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode b : chplane.api().get(service(id) + "/backups").result()) {
      if (b.get("status").asText().equals("done")) {
        out.add(b);
      }
    }
    return out;
  }
}
