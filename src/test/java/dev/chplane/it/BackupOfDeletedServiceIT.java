package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A backup still running when its service is stopped and deleted ends in error, with the deletion
 * as its recorded reason. Backups go to a real S3 server through a proxy that holds one request of
 * the backup, so the backup is certainly still running while the service is stopped and deleted. An
 * hour of the backup schedule lasts half a second.
 */
class BackupOfDeletedServiceIT {
  private static final String ACTIVITIES =
      "/v1/organizations/" + TestInstallation.ORG + "/activities";
  private static S3Server s3;
  private static HoldingProxy proxy;
  private static TestInstallation chplane;

  @BeforeAll
  static void start() {
    s3 = new S3Server();
    proxy = new HoldingProxy(s3.port());
    chplane =
        new TestInstallation(null, S3Server.backupStorage(proxy.port()), Duration.ofMillis(500));
  }

  @AfterAll
  static void stop() {
    if (chplane != null) {
      chplane.close();
    }
    proxy.close();
    s3.close();
  }

  /** A service and its backup that was running when the service was deleted. */
  private record Deleted(String serviceId, String backupId) {
    List<String> storedKeys() {
      return s3.keys().stream()
          .filter(k -> k.contains(backupId) || k.contains("/services/" + serviceId + "/"))
          .toList();
    }
  }

  @Test
  void aBackupStillCopyingWhenItsServiceIsStoppedAndDeletedFailsWithTheReason() throws Exception {
    // held at its first request for a part: it has frozen the table and copied nothing yet
    Deleted deleted = stopAndDeleteDuringABackupHeldAt("/chains/");
    assertThat(chplane.serviceDir(deleted.serviceId()))
        .as("the service's files, with any freeze, are gone")
        .doesNotExist();
    assertThat(deleted.storedKeys()).isEmpty();
  }

  @Test
  void aBackupThatCopiedEverythingBeforeItsServiceWasDeletedFailsWithTheReasonToo()
      throws Exception {
    // held at its manifest: it has copied every part
    Deleted deleted = stopAndDeleteDuringABackupHeldAt("manifest.json");
    // what it stored goes when it expires, 48 schedule hours (24 s) after it started
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> deleted.storedKeys().isEmpty());
  }

  /**
   * Creates a service with data; holds its first backup at its first storage request that contains
   * {@code heldAt}; stops and deletes the service; lets the backup go on; and checks that it ended
   * in error, with the deletion as the reason the activity log gives.
   */
  private static Deleted stopAndDeleteDuringABackupHeldAt(String heldAt) throws Exception {
    JsonNode created =
        chplane.createRunning("doomed", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
    String id = created.at("/service/id").asText();
    ServiceData data =
        new ServiceData(
            chplane.caCertificate(), created.get("service"), created.get("password").asText());
    // the only MergeTree table: once the backup writes to storage, it needs the server no more
    data.sql(
        "CREATE TABLE default.doomed (n UInt64) ENGINE = MergeTree PARTITION BY n % 4 ORDER BY n");
    data.sql("INSERT INTO default.doomed SELECT number FROM numbers(10000)");

    String backupId;
    proxy.hold(heldAt);
    try {
      chplane
          .api()
          .patch(
              service(id) + "/backupConfiguration",
              "{\"backupPeriodInHours\":6,\"backupRetentionPeriodInHours\":48}");
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(proxy::isHoldingARequest);
      backupId = chplane.api().get(service(id) + "/backups").result().get(0).get("id").asText();

      assertThat(chplane.api().patch(service(id) + "/state", "{\"command\":\"stop\"}").status())
          .isEqualTo(200);
      chplane.awaitState(id, "stopped");
      assertThat(
              chplane
                  .api()
                  .get(service(id) + "/backups/" + backupId)
                  .result()
                  .get("status")
                  .asText())
          .as("stopping the service neither waits for its backup nor ends it")
          .isEqualTo("in_progress");
      assertThat(chplane.api().delete(service(id)).status()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> chplane.api().get(service(id)).status() == 404);
    } finally {
      proxy.release();
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !outcomes(backupId).isEmpty());
    assertThat(outcomes(backupId))
        .containsExactly("backup " + backupId + " failed: the service is being deleted");
    // GET .../backups of a deleted service is 404; a restore from the backup tells its status
    ApiClient.Response restore =
        chplane
            .api()
            .post(
                TestInstallation.services(),
                "{\"name\":\"late\",\"provider\":\"aws\","
                    + "\"region\":\"us-east-1\",\"backupId\":\""
                    + backupId
                    + "\"}");
    assertThat(restore.status()).isEqualTo(400);
    assertThat(restore.error()).contains("backup " + backupId + " is error");
    return new Deleted(id, backupId);
  }

  /** What the activity log says about how a backup ended (done or failed), newest first. */
  private static List<String> outcomes(String backupId) {
    List<String> out = new ArrayList<>();
    for (JsonNode a : chplane.api().get(ACTIVITIES).result()) {
      String details = a.path("actorDetails").asText();
      if (a.get("type").asText().equals("service_maintenance_end") && details.contains(backupId)) {
        assertThat(a.get("actorType").asText()).isEqualTo("system");
        out.add(details);
      }
    }
    return out;
  }
}
