package dev.chplane.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Terraform provider's call sequences for a service, replayed over HTTP against real
 * chplane and ClickHouse, asserting the exact echoes that keep `terraform plan` clean.
 */
class TerraformReplayIT {
  private static TestInstallation chplane;
  private static TerraformProviderReplay provider;

  @BeforeAll
  static void start() {
    chplane = new TestInstallation();
    provider = new TerraformProviderReplay(chplane.api());
  }

  @AfterAll
  static void stop() {
    chplane.close();
  }

  private static String b64sha256(String password) throws Exception {
    return Base64.getEncoder()
        .encodeToString(
            MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8)));
  }

  private static String doubleSha1(String password) throws Exception {
    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
    return HexFormat.of()
        .formatHex(sha1.digest(sha1.digest(password.getBytes(StandardCharsets.UTF_8))));
  }

  private static int https(JsonNode service) {
    for (JsonNode e : service.get("endpoints")) {
      if (e.get("protocol").asText().equals("https")) {
        return e.get("port").asInt();
      }
    }
    throw new AssertionError("no https endpoint");
  }

  @Test
  void basicExampleCreateRefreshUpdateAndDestroy() throws Exception {
    // examples/full/basic without the MySQL endpoint (18.16 has none)
    TerraformProviderReplay.FullRead created =
        provider.create(
            "{\"isReadonly\":false,\"name\":\"tf-basic\","
                + "\"provider\":\"aws\",\"region\":\"us-east-1\",\"idleScaling\":true,\"idleTimeoutMinutes\":5,"
                + "\"ipAccessList\":[{\"source\":\"0.0.0.0\",\"description\":\"Anywhere\"}],"
                + "\"minReplicaMemoryGb\":8,\"maxReplicaMemoryGb\":120,\"releaseChannel\":\"default\"}");
    String id = created.service().get("id").asText();
    assertThat(created.service().get("state").asText()).isEqualTo("running");
    assertThat(created.queryEndpointStatus()).isEqualTo(404);

    provider.patch(
        TestInstallation.service(id) + "/password",
        "{\"newPasswordHash\":\""
            + b64sha256("tf-Pass-1")
            + "\",\"newDoubleSha1Hash\":\""
            + doubleSha1("tf-Pass-1")
            + "\"}");
    provider.patch(
        TestInstallation.service(id) + "/backupConfiguration",
        "{\"backupPeriodInHours\":24,\"backupRetentionPeriodInHours\":24,\"backupStartTime\":null}");
    String keyResourceId =
        chplane
            .api()
            .get("/v1/organizations/" + TestInstallation.ORG + "/keys")
            .result()
            .get(0)
            .get("id")
            .asText();
    String queryEndpoint =
        "{\"roles\":[\"sql_console_read_only\"],\"openApiKeys\":[\""
            + keyResourceId
            + "\"],"
            + "\"allowedOrigins\":\"\"}";
    JsonNode endpoint = provider.upsertQueryEndpoint(id, queryEndpoint);
    TerraformProviderReplay.FullRead read = provider.fullRead(id);
    assertThat(read.queryEndpointStatus()).isEqualTo(200);
    JsonNode s = read.service();
    assertThat(s.get("name").asText()).isEqualTo("tf-basic");
    assertThat(s.get("region").asText()).isEqualTo("us-east-1");
    assertThat(s.get("releaseChannel").asText()).isEqualTo("default");
    assertThat(s.get("idleScaling").asBoolean()).isTrue();
    assertThat(s.get("idleTimeoutMinutes").asInt()).isEqualTo(5);
    assertThat(s.get("minReplicaMemoryGb").asInt()).isEqualTo(8);
    assertThat(s.get("maxReplicaMemoryGb").asInt()).isEqualTo(120);
    assertThat(s.has("tier")).isFalse();
    assertThat(s.get("ipAccessList").toString())
        .isEqualTo("[{\"source\":\"0.0.0.0\",\"description\":\"Anywhere\"}]");
    assertThat(s.get("endpoints").findValuesAsText("protocol")).doesNotContain("mysql");
    assertThat(read.backupConfiguration().toString())
        .isEqualTo("{\"backupPeriodInHours\":24,\"backupRetentionPeriodInHours\":24}");
    assertThat(s.toString()).doesNotContain(b64sha256("tf-Pass-1")).doesNotContain("password");
    assertThat(
            ClickHouseClients.https(chplane.caCertificate(), https(s), "tf-Pass-1", "SELECT 1")
                .body()
                .strip())
        .isEqualTo("1");

    // terraform apply after editing name, IP list and tags: ipAccessList as remove-all-current +
    // add-all-desired
    provider.patch(
        TestInstallation.service(id),
        "{\"name\":\"tf-basic-renamed\",\"ipAccessList\":{"
            + "\"add\":[{\"source\":\"0.0.0.0\",\"description\":\"Anywhere\"},{\"source\":\"192.168.1.0/24\",\"description\":\"office\"}],"
            + "\"remove\":[{\"source\":\"0.0.0.0\",\"description\":\"Anywhere\"}]},"
            + "\"tags\":{\"add\":[{\"key\":\"env\",\"value\":\"prod\"}],\"remove\":[]}}");
    provider.patch(
        TestInstallation.service(id) + "/replicaScaling",
        "{\"idleScaling\":false,\"autoscalingMode\":\"vertical\",\"minReplicaMemoryGb\":16,\"idleTimeoutMinutes\":15}");
    provider.patch(
        TestInstallation.service(id) + "/password",
        "{\"newPasswordHash\":\""
            + b64sha256("tf-Pass-1")
            + "\",\"newDoubleSha1Hash\":\""
            + doubleSha1("tf-Pass-1")
            + "\"}");
    provider.patch(
        TestInstallation.service(id) + "/backupConfiguration",
        "{\"backupPeriodInHours\":null,\"backupRetentionPeriodInHours\":48,\"backupStartTime\":\"02:00\"}");
    assertThat(provider.upsertQueryEndpoint(id, queryEndpoint))
        .as("the upsert of every apply")
        .isEqualTo(endpoint);
    TerraformProviderReplay.FullRead updated = provider.fullRead(id);
    JsonNode u = updated.service();
    assertThat(u.get("name").asText()).isEqualTo("tf-basic-renamed");
    assertThat(u.get("ipAccessList").toString())
        .isEqualTo(
            "[{\"source\":\"0.0.0.0\",\"description\":\"Anywhere\"},"
                + "{\"source\":\"192.168.1.0/24\",\"description\":\"office\"}]");
    assertThat(u.get("tags").toString()).isEqualTo("[{\"key\":\"env\",\"value\":\"prod\"}]");
    assertThat(u.get("idleScaling").asBoolean()).isFalse();
    assertThat(u.get("minReplicaMemoryGb").asInt()).isEqualTo(16);
    assertThat(u.get("maxReplicaMemoryGb").asInt()).isEqualTo(120);
    assertThat(u.get("idleTimeoutMinutes").asInt()).isEqualTo(15);
    // with a start time the period stays unset, as the provider requires (issues #255, #308)
    assertThat(updated.backupConfiguration().has("backupPeriodInHours")).isFalse();
    assertThat(updated.backupConfiguration().get("backupStartTime").asText()).isEqualTo("02:00");
    assertThat(updated.backupConfiguration().get("backupRetentionPeriodInHours").asInt())
        .isEqualTo(48);

    // the query_api_endpoints block removed; a second DELETE (404) still counts as done
    provider.removeQueryEndpoint(id);
    assertThat(provider.fullRead(id).queryEndpointStatus()).isEqualTo(404);
    provider.removeQueryEndpoint(id);

    provider.delete(id);
    assertThat(provider.fullRead(id).status()).isEqualTo(404);
  }

  @Test
  void horizontalScalingExampleEchoesReplicaBands() {
    TerraformProviderReplay.FullRead created =
        provider.create(
            "{\"isReadonly\":false,\"name\":\"tf-horizontal\","
                + "\"provider\":\"aws\",\"region\":\"us-west-2\",\"idleScaling\":true,\"ipAccessList\":[],"
                + "\"autoscalingMode\":\"horizontal\",\"minReplicaMemoryGb\":16,\"maxReplicaMemoryGb\":16,"
                + "\"minReplicas\":3,\"maxReplicas\":10}");
    JsonNode s = created.service();
    assertThat(s.get("autoscalingMode").asText()).isEqualTo("horizontal");
    assertThat(s.get("minReplicas").asInt()).isEqualTo(3);
    assertThat(s.get("maxReplicas").asInt()).isEqualTo(10);
    assertThat(s.get("ipAccessList")).isEmpty();
    assertThat(s.at("/currentScaling/effectiveMinReplicas").asInt()).isEqualTo(3);
    assertThat(s.at("/currentScaling/effectiveMaxReplicas").asInt())
        .as("the band the load scaler keeps the count in")
        .isEqualTo(10);
    provider.patch(
        TestInstallation.service(s.get("id").asText()) + "/replicaScaling",
        "{\"idleScaling\":true,\"autoscalingMode\":\"horizontal\",\"minReplicas\":2,\"maxReplicas\":4}");
    JsonNode after = provider.fullRead(s.get("id").asText()).service();
    assertThat(after.get("minReplicas").asInt()).isEqualTo(2);
    assertThat(after.get("maxReplicas").asInt()).isEqualTo(4);
    provider.delete(s.get("id").asText());
  }

  @Test
  void oldProvidersScaleThroughTheDeprecatedScalingOperation() {
    TerraformProviderReplay.FullRead created =
        provider.create(
            "{\"isReadonly\":false,\"name\":\"tf-old\","
                + "\"provider\":\"gcp\",\"region\":\"us-central1\",\"idleScaling\":false,\"ipAccessList\":[],"
                + "\"tier\":\"production\",\"minTotalMemoryGb\":24,\"maxTotalMemoryGb\":48}");
    String id = created.service().get("id").asText();
    assertThat(created.service().get("tier").asText()).isEqualTo("production");
    provider.patch(
        TestInstallation.service(id) + "/scaling",
        "{\"minTotalMemoryGb\":36,\"maxTotalMemoryGb\":72,\"numReplicas\":3,\"idleScaling\":false,\"idleTimeoutMinutes\":10}");
    JsonNode s = provider.fullRead(id).service();
    assertThat(s.get("minTotalMemoryGb").asInt()).isEqualTo(36);
    assertThat(s.get("maxTotalMemoryGb").asInt()).isEqualTo(72);
    assertThat(s.get("numReplicas").asInt()).isEqualTo(3);
    assertThat(s.get("idleTimeoutMinutes").asInt()).isEqualTo(10);
    assertThat(s.at("/currentScaling/effectiveMaxReplicaMemoryGb").asInt()).isEqualTo(24);
    provider.delete(id);
  }

  @Test
  void importReadsAServiceByIdAlone() {
    String id =
        provider
            .create(
                "{\"isReadonly\":false,\"name\":\"tf-import\",\"provider\":\"azure\","
                    + "\"region\":\"westus3\",\"idleScaling\":true,\"ipAccessList\":[]}")
            .service()
            .get("id")
            .asText();
    TerraformProviderReplay replay = new TerraformProviderReplay(chplane.api());
    assertThat(replay.fullRead(id).service().get("name").asText()).isEqualTo("tf-import");
    replay.delete(id);
    replay.delete(id);
  }
}
