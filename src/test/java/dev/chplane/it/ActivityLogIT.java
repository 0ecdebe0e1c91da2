package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every change through the API, and chplane's own actions, appear in the activity log. */
class ActivityLogIT {
  private static final String ORG = "/v1/organizations/" + TestInstallation.ORG;
  private static final String ACTIVITIES = ORG + "/activities";
  @RegisterExtension static final TestInstallation chplane = new TestInstallation();

  private static List<JsonNode> activities(String serviceId) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode a : chplane.api().get(ACTIVITIES).result()) {
      if (serviceId == null || serviceId.equals(a.path("serviceId").asText())) {
        out.add(a);
      }
    }
    return out;
  }

  private static List<String> types(List<JsonNode> activities) {
    return activities.stream().map(a -> a.get("type").asText()).toList();
  }

  private static void ok(ApiClient.Response r) {
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
  }

  @Test
  void everyKindOfServiceChangeIsRecordedWithItsActorNewestFirst() {
    String id =
        chplane
            .createRunning("audited", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]")
            .at("/service/id")
            .asText();
    ok(chplane.api().patch(service(id), "{\"name\":\"audited-2\"}"));
    ok(
        chplane
            .api()
            .patch(
                service(id),
                "{\"ipAccessList\":{\"add\":[{\"source\":\"127.0.0.2\",\"description\":\"\"}]}}"));
    ok(chplane.api().patch(service(id), "{\"releaseChannel\":\"fast\"}"));
    ok(chplane.api().patch(service(id), "{\"enableCoreDumps\":true}"));
    ok(chplane.api().patch(service(id) + "/replicaScaling", "{\"maxReplicaMemoryGb\":12}"));
    ok(chplane.api().patch(service(id) + "/replicaScaling", "{\"idleScaling\":false}"));
    ok(chplane.api().patch(service(id) + "/replicaScaling", "{\"numReplicas\":2}"));
    ok(chplane.api().patch(service(id) + "/password", "{}"));
    ok(chplane.api().patch(service(id) + "/backupConfiguration", "{\"backupPeriodInHours\":12}"));
    ok(chplane.api().patch(service(id) + "/state", "{\"command\":\"stop\"}"));
    chplane.awaitState(id, "stopped");
    ok(chplane.api().patch(service(id) + "/state", "{\"command\":\"start\"}"));
    chplane.awaitState(id, "running");
    ok(chplane.api().patch(service(id) + "/state", "{\"command\":\"stop\"}"));
    chplane.awaitState(id, "stopped");
    ok(chplane.api().delete(service(id)));

    List<JsonNode> log = activities(id);
    assertThat(types(log))
        .containsExactly(
            "service_delete",
            "service_stop",
            "service_start",
            "service_stop",
            "service_update_backup_configuration",
            "service_update_password",
            "service_update_autoscaling_replicas",
            "service_update_autoscaling_idling",
            "service_update_autoscaling_memory",
            "service_update_core_dump",
            "service_update_release_channel",
            "service_update_ip_access_list",
            "service_update_name",
            "service_create");
    JsonNode create = log.get(log.size() - 1);
    assertThat(create.get("actorType").asText()).isEqualTo("api");
    assertThat(create.get("actorIpAddress").asText()).isEqualTo("127.0.0.1");
    assertThat(create.get("userAgent").asText()).startsWith("Java-http-client");
    assertThat(create.get("organizationId").asText()).isEqualTo(TestInstallation.ORG);
    String bootstrapKey = chplane.api().get(ORG + "/keys").result().get(0).get("id").asText();
    assertThat(create.get("actorId").asText()).isEqualTo(bootstrapKey);
    assertThat(chplane.api().get(ACTIVITIES + "/" + create.get("id").asText()).result())
        .isEqualTo(create);
  }

  @Test
  void keyAndOrganizationChangesAreRecordedWithTheKeyAndUpdateKind() {
    JsonNode key =
        chplane
            .api()
            .post(ORG + "/keys", "{\"name\":\"audited key\",\"roles\":[\"developer\"]}")
            .result();
    String keyId = key.at("/key/id").asText();
    ok(
        chplane
            .api()
            .patch(ORG + "/keys/" + keyId, "{\"name\":\"renamed\",\"state\":\"disabled\"}"));
    ok(chplane.api().delete(ORG + "/keys/" + keyId));
    ok(chplane.api().patch(ORG, "{\"name\":\"audited org\"}"));

    List<String> keyEvents = new ArrayList<>();
    for (JsonNode a : activities(null)) {
      if (keyId.equals(a.path("targetKeyId").asText())) {
        keyEvents.add(a.get("type").asText() + ":" + a.get("keyUpdateType").asText());
      }
    }
    assertThat(keyEvents)
        .containsExactly(
            "key_delete:deleted",
            "openapi_key_update:state-changed",
            "openapi_key_update:name-changed",
            "key_create:created");
    assertThat(types(activities(null))).contains("organization_update_name", "create_organization");
  }

  @Test
  void systemActionsAreRecordedAsSystem() throws Exception {
    JsonNode created = chplane.createRunning("system audited", "[]");
    String id = created.at("/service/id").asText();
    int https = TestInstallation.internalHttpsPort(chplane.serviceDir(id));
    chplane.api().patch(service(id) + "/state", "{\"command\":\"stop\"}");
    chplane.awaitState(id, "stopped");
    try (ServerSocket squatter = new ServerSocket(https, 1, InetAddress.getByName("127.0.0.1"))) {
      chplane.api().patch(service(id) + "/state", "{\"command\":\"start\"}");
      chplane.awaitState(id, "failed");
    }
    JsonNode failure = activities(id).get(0);
    assertThat(failure.get("actorType").asText()).isEqualTo("system");
    assertThat(failure.get("type").asText()).isEqualTo("service_stop");
    assertThat(failure.get("actorDetails").asText()).contains("clickhouse-server failed");

    chplane.api().patch(service(id) + "/state", "{\"command\":\"start\"}");
    chplane.awaitState(id, "running");
    chplane.stopChplane();
    ClickHouseProcesses.killAll(chplane.serviceDir(id));
    chplane.start();
    chplane.awaitState(id, "running");
    JsonNode restart =
        activities(id).stream()
            .filter(a -> a.get("actorType").asText().equals("system"))
            .findFirst()
            .orElseThrow();
    assertThat(restart.get("type").asText()).isEqualTo("service_start");
    assertThat(restart.get("actorDetails").asText()).contains("after chplane restarted");
  }

  @Test
  void dateFiltersSelectARangeAndBadOnesAre400() {
    Instant before = Instant.now().minusSeconds(1);
    String id =
        chplane
            .create("{\"name\":\"dated\",\"provider\":\"aws\",\"region\":\"us-east-1\"}")
            .at("/service/id")
            .asText();
    assertThat(
            chplane
                .api()
                .get(ACTIVITIES + "?from_date=" + before)
                .result()
                .findValuesAsText("serviceId"))
        .contains(id);
    assertThat(
            chplane
                .api()
                .get(ACTIVITIES + "?to_date=" + before)
                .result()
                .findValuesAsText("serviceId"))
        .doesNotContain(id);
    assertThat(chplane.api().get(ACTIVITIES + "?from_date=2099-01-01T00:00:00Z").result())
        .isEmpty();
    assertThat(chplane.api().get(ACTIVITIES + "?from_date=yesterday").error())
        .contains("from_date: must be an ISO-8601");
    assertThat(chplane.api().get(ACTIVITIES + "/not-an-id").status()).isEqualTo(404);
    JsonNode any = chplane.api().get(ACTIVITIES).result().get(0);
    assertThat(chplane.api().delete(ACTIVITIES + "/" + any.get("id").asText()).status())
        .isEqualTo(404);
    assertThat(chplane.api().patch(ACTIVITIES + "/" + any.get("id").asText(), "{}").status())
        .isEqualTo(404);
  }
}
