package dev.chplane.conformance;

import static dev.chplane.conformance.KeyAndOrganizationCalls.MISSING;
import static dev.chplane.conformance.KeyAndOrganizationCalls.ORG_ID;
import static dev.chplane.conformance.KeyAndOrganizationCalls.OTHER_ORG;
import static dev.chplane.conformance.KeyAndOrganizationCalls.sha256Base64;
import static dev.chplane.conformance.Operation.SERVICE;
import static dev.chplane.conformance.Operation.SERVICES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * Service operations and the service's sub-resources, each answered at least once with 200 and once
 * with an error, on real running services (all checked by {@link CheckedApi}).
 */
final class ServiceCalls {
  static final Operation CREATE = Operation.post(SERVICES);
  static final Operation LIST = Operation.get(SERVICES);
  static final Operation GET = Operation.get(SERVICE);
  static final Operation PATCH = Operation.patch(SERVICE);
  static final Operation DELETE = Operation.delete(SERVICE);
  static final Operation STATE = Operation.patch(SERVICE + "/state");
  static final Operation SCALING = Operation.patch(SERVICE + "/scaling");
  static final Operation REPLICA_SCALING = Operation.patch(SERVICE + "/replicaScaling");
  static final Operation PASSWORD = Operation.patch(SERVICE + "/password");
  static final Operation PRIVATE_ENDPOINT_CONFIG =
      Operation.get(SERVICE + "/privateEndpointConfig");
  static final Operation BACKUP_CONFIGURATION = Operation.get(SERVICE + "/backupConfiguration");
  static final Operation PATCH_BACKUP_CONFIGURATION =
      Operation.patch(SERVICE + "/backupConfiguration");
  static final Operation QUERY_ENDPOINT = Operation.get(SERVICE + "/serviceQueryEndpoint");
  static final Operation UPSERT_QUERY_ENDPOINT = Operation.post(SERVICE + "/serviceQueryEndpoint");
  static final Operation DELETE_QUERY_ENDPOINT =
      Operation.delete(SERVICE + "/serviceQueryEndpoint");

  static final String RICH =
      "{\"name\":\""
          + "r".repeat(50)
          + "\",\"provider\":\"gcp\",\"region\":\"europe-west4\","
          + "\"tier\":\"production\",\"ipAccessList\":[{\"source\":\"127.0.0.1/32\",\"description\":\"loopback\"},"
          + "{\"source\":\"::1\",\"description\":\"\"},{\"source\":\"0.0.0.0/0\"}],\"minTotalMemoryGb\":24,"
          + "\"maxTotalMemoryGb\":48,\"autoscalingMode\":\"vertical\",\"minReplicaMemoryGb\":8,\"maxReplicaMemoryGb\":16,"
          + "\"minReplicas\":2,\"maxReplicas\":2,\"idleScaling\":true,\"idleTimeoutMinutes\":15,\"isReadonly\":false,"
          + "\"releaseChannel\":\"slow\",\"hasTransparentDataEncryption\":false,\"profile\":\"v1-default\","
          + "\"endpoints\":[{\"protocol\":\"mysql\",\"enabled\":false}],\"privateEndpointIds\":[],"
          + "\"tags\":[{\"key\":\"env\",\"value\":\"conformance\"},{\"key\":\"key-only\"},{\"key\":\"empty\",\"value\":\"\"}],"
          + "\"enableCoreDumps\":false}";

  private ServiceCalls() {}

  /**
   * Creates services (a rich one and a minimal one) and exercises collection and item operations.
   */
  static String servicesAndItems(CheckedApi api) {
    JsonNode created = api.expect(200, CREATE, RICH, ORG_ID).result();
    assertThat(created.path("password").asText()).isNotEmpty();
    String rich = created.at("/service/id").asText();
    api.expect(
        200, CREATE, "{\"name\":\"minimal\",\"provider\":\"azure\",\"region\":\"eastus\"}", ORG_ID);
    api.expect(400, CREATE, "{\"provider\":\"aws\",\"region\":\"us-east-1\"}", ORG_ID);
    api.expect(
        400,
        CREATE,
        "{\"name\":\"x\",\"provider\":\"aws\",\"region\":\"us-east-1\",\"byocId\":\"b\"}",
        ORG_ID);
    api.expect(
        403, CREATE, "{\"name\":\"x\",\"provider\":\"aws\",\"region\":\"us-east-1\"}", OTHER_ORG);
    awaitState(api, rich, "running");

    assertThat(api.expect(200, LIST, null, ORG_ID).result()).hasSize(2);
    assertThat(
            api.send(
                    LIST,
                    LIST.concrete(ORG_ID) + "?filter=tag:env=conformance&filter=tag:key-only",
                    null)
                .result())
        .hasSize(1);
    assertThat(api.send(LIST, LIST.concrete(ORG_ID) + "?filter=env", null).status()).isEqualTo(400);
    api.expect(403, LIST, null, OTHER_ORG);

    api.expect(200, GET, null, ORG_ID, rich);
    api.expect(404, GET, null, ORG_ID, MISSING);
    api.expect(400, GET, null, ORG_ID, "not-a-uuid");

    api.expect(
        200,
        PATCH,
        "{\"name\":\"patched\",\"ipAccessList\":{\"remove\":[{\"source\":\"::1\"}],"
            + "\"add\":[{\"source\":\"127.0.0.2\",\"description\":\"added\"}]},\"releaseChannel\":\"fast\","
            + "\"endpoints\":[{\"protocol\":\"mysql\",\"enabled\":false}],\"tags\":{\"remove\":[{\"key\":\"env\"}],"
            + "\"add\":[{\"key\":\"team\",\"value\":\"a.b_c-d\"}]},\"enableCoreDumps\":true,\"privateEndpointIds\":{\"remove\":[]}}",
        ORG_ID,
        rich);
    api.expect(200, PATCH, "{}", ORG_ID, rich);
    api.expect(400, PATCH, "{\"releaseChannel\":\"beta\"}", ORG_ID, rich);
    api.expect(404, PATCH, "{\"name\":\"x\"}", ORG_ID, MISSING);
    return rich;
  }

  /** The sub-resources of a running service. */
  static void settings(CheckedApi api, String id) {
    api.expect(200, STATE, "{\"command\":\"awake\"}", ORG_ID, id);
    api.expect(400, STATE, "{\"command\":\"pause\"}", ORG_ID, id);
    api.expect(404, STATE, "{\"command\":\"stop\"}", ORG_ID, MISSING);

    api.expect(
        200,
        SCALING,
        "{\"minTotalMemoryGb\":24,\"maxTotalMemoryGb\":36,\"numReplicas\":3,"
            + "\"idleScaling\":false,\"idleTimeoutMinutes\":5}",
        ORG_ID,
        id);
    api.expect(400, SCALING, "{\"numReplicas\":0}", ORG_ID, id);
    api.expect(404, SCALING, "{\"numReplicas\":1}", ORG_ID, MISSING);

    api.expect(
        200,
        REPLICA_SCALING,
        "{\"autoscalingMode\":\"horizontal\",\"minReplicaMemoryGb\":12,"
            + "\"maxReplicaMemoryGb\":12,\"minReplicas\":1,\"maxReplicas\":3,\"idleScaling\":true,\"idleTimeoutMinutes\":30}",
        ORG_ID,
        id);
    api.expect(
        200,
        REPLICA_SCALING,
        "{\"autoscalingMode\":\"vertical\",\"minReplicaMemoryGb\":8,"
            + "\"maxReplicaMemoryGb\":16,\"numReplicas\":1}",
        ORG_ID,
        id);
    api.expect(400, REPLICA_SCALING, "{\"maxReplicaMemoryGb\":10}", ORG_ID, id);
    api.expect(404, REPLICA_SCALING, "{\"numReplicas\":1}", ORG_ID, MISSING);

    assertThat(api.expect(200, PASSWORD, "{}", ORG_ID, id).result().path("password").asText())
        .isNotEmpty();
    assertThat(
            api.expect(
                    200,
                    PASSWORD,
                    "{\"newPasswordHash\":\""
                        + sha256Base64("s3cret")
                        + "\","
                        + "\"newDoubleSha1Hash\":\""
                        + "ab".repeat(20)
                        + "\"}",
                    ORG_ID,
                    id)
                .result()
                .has("password"))
        .isFalse();
    api.expect(400, PASSWORD, "{\"newPasswordHash\":\"abc\"}", ORG_ID, id);
    api.expect(404, PASSWORD, "{}", ORG_ID, MISSING);

    api.expect(200, PRIVATE_ENDPOINT_CONFIG, null, ORG_ID, id);
    api.expect(404, PRIVATE_ENDPOINT_CONFIG, null, ORG_ID, MISSING);

    api.expect(200, BACKUP_CONFIGURATION, null, ORG_ID, id);
    api.expect(404, BACKUP_CONFIGURATION, null, ORG_ID, MISSING);
    api.expect(
        200,
        PATCH_BACKUP_CONFIGURATION,
        "{\"backupPeriodInHours\":12,\"backupRetentionPeriodInHours\":1080}",
        ORG_ID,
        id);
    api.expect(200, PATCH_BACKUP_CONFIGURATION, "{\"backupStartTime\":\"23:59\"}", ORG_ID, id);
    api.expect(200, BACKUP_CONFIGURATION, null, ORG_ID, id);
    api.expect(
        200,
        PATCH_BACKUP_CONFIGURATION,
        "{\"backupPeriodInHours\":null,\"backupStartTime\":null}",
        ORG_ID,
        id);
    api.expect(
        400, PATCH_BACKUP_CONFIGURATION, "{\"backupRetentionPeriodInHours\":1104}", ORG_ID, id);
    api.expect(404, PATCH_BACKUP_CONFIGURATION, "{}", ORG_ID, MISSING);

    queryEndpoint(api, id);
  }

  /** The query endpoint: none (404), upserted twice, read, deleted, deleted again (404). */
  private static void queryEndpoint(CheckedApi api, String id) {
    String key =
        api.expect(200, Operation.get(Operation.KEYS), null, ORG_ID)
            .result()
            .get(0)
            .get("id")
            .asText();
    api.expect(404, QUERY_ENDPOINT, null, ORG_ID, id);
    api.expect(400, QUERY_ENDPOINT, null, ORG_ID, "not-a-uuid");
    String body =
        "{\"roles\":[\"sql_console_read_only\",\"sql_console_admin\"],\"openApiKeys\":[\""
            + key
            + "\"],"
            + "\"allowedOrigins\":\"https://app.example.com,localhost:3000\"}";
    JsonNode created = api.expect(200, UPSERT_QUERY_ENDPOINT, body, ORG_ID, id).result();
    assertThat(api.expect(200, UPSERT_QUERY_ENDPOINT, body, ORG_ID, id).result())
        .isEqualTo(created);
    api.expect(
        200,
        UPSERT_QUERY_ENDPOINT,
        "{\"roles\":[\"sql_console_admin\"],\"openApiKeys\":[],\"allowedOrigins\":\"\"}",
        ORG_ID,
        id);
    api.expect(
        400, UPSERT_QUERY_ENDPOINT, "{\"roles\":[\"owner\"],\"openApiKeys\":[]}", ORG_ID, id);
    api.expect(
        400,
        UPSERT_QUERY_ENDPOINT,
        "{\"roles\":[\"sql_console_admin\"],\"openApiKeys\":[\"" + MISSING + "\"]}",
        ORG_ID,
        id);
    api.expect(404, UPSERT_QUERY_ENDPOINT, body, ORG_ID, MISSING);
    api.expect(200, QUERY_ENDPOINT, null, ORG_ID, id);
    api.expect(200, DELETE_QUERY_ENDPOINT, null, ORG_ID, id);
    api.expect(404, DELETE_QUERY_ENDPOINT, null, ORG_ID, id);
    api.expect(404, QUERY_ENDPOINT, null, ORG_ID, id);
    api.expect(200, UPSERT_QUERY_ENDPOINT, body, ORG_ID, id);
  }

  /** stop, start, stop again, delete: the states a service passes through, and the conflicts. */
  static void lifecycle(CheckedApi api, String id) {
    api.expect(409, DELETE, null, ORG_ID, id);
    api.expect(200, STATE, "{\"command\":\"stop\"}", ORG_ID, id);
    awaitState(api, id, "stopped");
    api.expect(400, STATE, "{\"command\":\"awake\"}", ORG_ID, id);
    api.expect(200, STATE, "{\"command\":\"start\"}", ORG_ID, id);
    awaitState(api, id, "running");
    api.expect(200, STATE, "{\"command\":\"stop\"}", ORG_ID, id);
    awaitState(api, id, "stopped");
    api.expect(200, DELETE, null, ORG_ID, id);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> api.call(GET, null, ORG_ID, id).status() == 404);
    api.expect(404, DELETE, null, ORG_ID, MISSING);
  }

  static JsonNode awaitState(CheckedApi api, String id, String state) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              last[0] = api.expect(200, GET, null, ORG_ID, id).result();
              return state.equals(last[0].path("state").asText());
            });
    return last[0];
  }
}
