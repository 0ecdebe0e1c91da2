package dev.chplane.conformance;

import static dev.chplane.conformance.KeyAndOrganizationCalls.MISSING;
import static dev.chplane.conformance.KeyAndOrganizationCalls.ORG_ID;
import static dev.chplane.conformance.KeyAndOrganizationCalls.OTHER_ORG;
import static dev.chplane.conformance.Operation.ORG;
import static dev.chplane.conformance.Operation.SERVICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/** The activity log and a service's backups, each answered with 200 and with an error. */
final class ActivityAndBackupCalls {
  static final Operation ACTIVITIES = Operation.get(ORG + "/activities");
  static final Operation ACTIVITY = Operation.get(ORG + "/activities/{activityId}");
  static final Operation BACKUPS = Operation.get(SERVICE + "/backups");
  static final Operation BACKUP = Operation.get(SERVICE + "/backups/{backupId}");

  private ActivityAndBackupCalls() {}

  static void activities(CheckedApi api) {
    JsonNode all = api.expect(200, ACTIVITIES, null, ORG_ID).result();
    assertThat(all).isNotEmpty();
    assertThat(
            api.send(
                    ACTIVITIES,
                    ACTIVITIES.concrete(ORG_ID)
                        + "?from_date=2020-01-01T00:00:00Z&to_date=2099-01-01T00:00:00Z",
                    null)
                .status())
        .isEqualTo(200);
    assertThat(
            api.send(ACTIVITIES, ACTIVITIES.concrete(ORG_ID) + "?from_date=yesterday", null)
                .status())
        .isEqualTo(400);
    api.expect(403, ACTIVITIES, null, OTHER_ORG);
    api.expect(200, ACTIVITY, null, ORG_ID, all.get(0).get("id").asText());
    api.expect(404, ACTIVITY, null, ORG_ID, MISSING);
  }

  /** Needs an installation whose backup-schedule hour is short (a 6-hour period in seconds). */
  static void backups(CheckedApi api, String service) {
    api.expect(
        200,
        ServiceCalls.PATCH_BACKUP_CONFIGURATION,
        "{\"backupPeriodInHours\":6}",
        ORG_ID,
        service);
    JsonNode[] list = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              list[0] = api.expect(200, BACKUPS, null, ORG_ID, service).result();
              return list[0].size() > 0 && list[0].get(0).get("status").asText().equals("done");
            });
    api.expect(200, BACKUP, null, ORG_ID, service, list[0].get(0).get("id").asText());
    api.expect(404, BACKUP, null, ORG_ID, service, MISSING);
    api.expect(400, BACKUP, null, ORG_ID, service, "not-a-uuid");
    api.expect(404, BACKUPS, null, ORG_ID, MISSING);
  }
}
