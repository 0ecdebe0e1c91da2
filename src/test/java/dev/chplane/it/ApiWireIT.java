package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static dev.chplane.it.TestInstallation.services;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The wire rules: envelopes, auth, echoes, and 400s that name the field and change nothing. */
class ApiWireIT {
  private static TestInstallation chplane;
  private static String id;

  @BeforeAll
  static void start() {
    chplane = new TestInstallation();
    id =
        chplane
            .create(
                "{\"name\":\"wire\",\"provider\":\"azure\",\"region\":\"eastus2\",\"tier\":\"production\","
                    + "\"ipAccessList\":[{\"source\":\"0.0.0.0/0\",\"description\":\"b\"},{\"source\":\"::1\",\"description\":\"a\"}],"
                    + "\"minReplicaMemoryGb\":8,\"maxReplicaMemoryGb\":12,\"numReplicas\":3,\"idleScaling\":false,"
                    + "\"idleTimeoutMinutes\":5,\"releaseChannel\":\"fast\",\"tags\":[{\"key\":\"env\",\"value\":\"test\"}],"
                    + "\"endpoints\":[{\"protocol\":\"mysql\",\"enabled\":false}],\"isReadonly\":false}")
            .at("/service/id")
            .asText();
    chplane.awaitState(id, "running");
  }

  @AfterAll
  static void stop() {
    chplane.close();
  }

  @Test
  void healthAnswersWithoutAuthAndTheApiRefusesMissingOrWrongKeys() {
    assertThat(chplane.anonymous().get("/health").status()).isEqualTo(200);
    ApiClient.Response anonymous = chplane.anonymous().get("/v1/organizations");
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.error()).startsWith("UNAUTHORIZED: ");
    assertThat(
            chplane
                .apiWith(TestInstallation.KEY_ID, TestInstallation.KEY_SECRET + "x")
                .get("/v1/organizations")
                .status())
        .isEqualTo(401);
    assertThat(chplane.apiWith("not-a-key", "whatever").get("/v1/organizations").status())
        .isEqualTo(401);
    assertThat(chplane.api().get("/v1/organizations").status()).isEqualTo(200);
  }

  @Test
  void organizationsListOnlyTheKeysOwnAndOthersAreForbidden() {
    JsonNode orgs = chplane.api().get("/v1/organizations").result();
    assertThat(orgs).hasSize(1);
    assertThat(orgs.get(0).get("id").asText()).isEqualTo(TestInstallation.ORG);
    ApiClient.Response other =
        chplane.api().get("/v1/organizations/00000000-0000-4000-8000-000000000000/services");
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.error()).doesNotContain("wire");
    assertThat(chplane.api().get("/v1/organizations/not-a-uuid").error())
        .isEqualTo("BAD_REQUEST: organizationId: must be a UUID, got 'not-a-uuid'");
  }

  @Test
  void serviceEchoesWhatWasSentAndAlwaysCarriesTheRequiredFields() {
    JsonNode s = chplane.api().get(service(id)).result();
    assertThat(s.get("tier").asText()).isEqualTo("production");
    assertThat(s.get("ipAccessList").toString())
        .isEqualTo(
            "[{\"source\":\"0.0.0.0/0\",\"description\":\"b\"},{\"source\":\"::1\",\"description\":\"a\"}]");
    assertThat(s.get("minReplicaMemoryGb").asInt()).isEqualTo(8);
    assertThat(s.get("maxReplicaMemoryGb").asInt()).isEqualTo(12);
    assertThat(s.get("numReplicas").asInt()).isEqualTo(3);
    assertThat(s.get("idleTimeoutMinutes").asInt()).isEqualTo(5);
    assertThat(s.get("releaseChannel").asText()).isEqualTo("fast");
    assertThat(s.get("isPrimary").asBoolean()).isTrue();
    assertThat(s.get("idleScaling").asBoolean()).isFalse();
    assertThat(s.get("autoscalingMode").asText()).isEqualTo("vertical");
    assertThat(s.at("/currentScaling/effectiveMinReplicas").asInt())
        .as("the replicas that run")
        .isEqualTo(3);
    assertThat(s.at("/currentScaling/effectiveMaxReplicaMemoryGb").asInt()).isEqualTo(12);
    assertThat(s.get("endpoints").findValuesAsText("protocol"))
        .containsExactlyInAnyOrder("https", "nativesecure");
    assertThat(s.get("tags").toString()).isEqualTo("[{\"key\":\"env\",\"value\":\"test\"}]");

    JsonNode noTier =
        chplane
            .create("{\"name\":\"no tier\",\"provider\":\"aws\",\"region\":\"us-east-2\"}")
            .get("service");
    assertThat(noTier.has("tier")).isFalse();
    assertThat(noTier.get("ipAccessList")).isEmpty();
  }

  @Test
  void badInputGetsA400NamingTheFieldAndChangesNothing() {
    JsonNode before = chplane.api().get(service(id)).result();
    List<String[]> cases =
        List.of(
            new String[] {
              "PATCH", service(id), "{\"name\":\"\"}", "name: must be 1 to 50 characters long"
            },
            new String[] {"PATCH", service(id), "{\"name\":42}", "name: must be a string"},
            new String[] {
              "PATCH",
              service(id),
              "{\"ipAccessList\":{\"add\":[{\"source\":\"example.com\"}]}}",
              "ipAccessList.add[0].source: 'example.com' is not"
            },
            new String[] {
              "PATCH",
              service(id),
              "{\"releaseChannel\":\"beta\"}",
              "releaseChannel: must be one of default, fast, slow"
            },
            new String[] {
              "PATCH",
              service(id),
              "{\"endpoints\":[{\"protocol\":\"mysql\",\"enabled\":true}]}",
              "needs ClickHouse 20.5"
            },
            new String[] {"PATCH", service(id), "{not json", "request body is not valid JSON"},
            new String[] {"PATCH", service(id), "[1,2]", "request body must be a JSON object"},
            new String[] {
              "PATCH",
              service(id) + "/replicaScaling",
              "{\"minReplicaMemoryGb\":7}",
              "minReplicaMemoryGb: must be between 8 and 356"
            },
            new String[] {
              "PATCH",
              service(id) + "/replicaScaling",
              "{\"maxReplicaMemoryGb\":10}",
              "maxReplicaMemoryGb: must be a multiple of 4"
            },
            new String[] {
              "PATCH",
              service(id) + "/replicaScaling",
              "{\"numReplicas\":2,\"minReplicas\":1,\"maxReplicas\":2}",
              "numReplicas: cannot be combined"
            },
            new String[] {
              "PATCH",
              service(id) + "/replicaScaling",
              "{\"minReplicas\":2}",
              "must be given together"
            },
            new String[] {
              "PATCH",
              service(id) + "/replicaScaling",
              "{\"idleTimeoutMinutes\":4}",
              "idleTimeoutMinutes: must be between 5"
            },
            new String[] {
              "PATCH",
              service(id) + "/replicaScaling",
              "{\"minReplicaMemoryGb\":16}",
              "must not be greater than maxReplicaMemoryGb"
            },
            new String[] {
              "PATCH",
              service(id) + "/scaling",
              "{\"numReplicas\":21}",
              "numReplicas: must be between 1 and 20"
            },
            new String[] {
              "PATCH",
              service(id) + "/state",
              "{\"command\":\"pause\"}",
              "command: must be one of awake, start, stop"
            },
            new String[] {"PATCH", service(id) + "/state", "{}", "command: is required"},
            new String[] {
              "PATCH",
              service(id) + "/password",
              "{\"newPasswordHash\":\"abc\"}",
              "newPasswordHash: must be base64 of a 32-byte"
            },
            new String[] {
              "PATCH",
              service(id) + "/backupConfiguration",
              "{\"backupPeriodInHours\":5}",
              "backupPeriodInHours: must be one of"
            },
            new String[] {
              "PATCH",
              service(id) + "/backupConfiguration",
              "{\"backupRetentionPeriodInHours\":25}",
              "backupRetentionPeriodInHours: must be a multiple of 24"
            },
            new String[] {
              "PATCH",
              service(id) + "/backupConfiguration",
              "{\"backupStartTime\":\"25:00\"}",
              "backupStartTime: must be HH:MM"
            },
            new String[] {
              "POST",
              services(),
              "{\"provider\":\"aws\",\"region\":\"us-east-1\"}",
              "name: is required"
            },
            new String[] {
              "POST",
              services(),
              "{\"name\":\"x\",\"provider\":\"aws\",\"region\":\"eastus\"}",
              "region: 'eastus' is not a region of provider 'aws'"
            },
            new String[] {
              "POST",
              services(),
              "{\"name\":\"x\",\"provider\":\"aws\",\"region\":\"us-east-1\",\"byocId\":\"b\"}",
              "byocId: cannot be used here"
            },
            new String[] {
              "POST",
              services(),
              "{\"name\":\"x\",\"provider\":\"aws\",\"region\":\"us-east-1\",\"encryptionKey\":\"k\"}",
              "encryptionKey: cannot be used here"
            },
            new String[] {
              "POST",
              services(),
              "{\"name\":\"x\",\"provider\":\"aws\",\"region\":\"us-east-1\",\"hasTransparentDataEncryption\":true}",
              "hasTransparentDataEncryption: transparent data encryption"
            },
            new String[] {"GET", services() + "/not-a-uuid", null, "serviceId: must be a UUID"});
    int servicesBefore = chplane.api().get(services()).result().size();
    for (String[] c : cases) {
      ApiClient.Response r = chplane.api().send(c[0], c[1], c[2]);
      assertThat(r.status()).as(c[2]).isEqualTo(400);
      assertThat(r.body().get("status").asInt()).isEqualTo(400);
      assertThat(r.error()).as(c[2]).startsWith("BAD_REQUEST: ").contains(c[3]);
    }
    assertThat(chplane.api().get(service(id)).result()).isEqualTo(before);
    assertThat(chplane.api().get(services()).result()).hasSize(servicesBefore);
  }

  @Test
  void backupConfigurationRoundTripsAsSent() {
    JsonNode defaults = chplane.api().get(service(id) + "/backupConfiguration").result();
    assertThat(defaults.toString())
        .isEqualTo("{\"backupPeriodInHours\":24,\"backupRetentionPeriodInHours\":24}");
    JsonNode withStart =
        chplane
            .api()
            .patch(
                service(id) + "/backupConfiguration",
                "{\"backupPeriodInHours\":null,\"backupRetentionPeriodInHours\":48,\"backupStartTime\":\"03:30\"}")
            .result();
    assertThat(withStart.toString())
        .isEqualTo("{\"backupRetentionPeriodInHours\":48,\"backupStartTime\":\"03:30\"}");
    JsonNode reset =
        chplane
            .api()
            .patch(
                service(id) + "/backupConfiguration",
                "{\"backupPeriodInHours\":12,\"backupRetentionPeriodInHours\":null,\"backupStartTime\":null}")
            .result();
    assertThat(reset.toString())
        .isEqualTo("{\"backupPeriodInHours\":12,\"backupRetentionPeriodInHours\":24}");
    assertThat(chplane.api().get(service(id) + "/backupConfiguration").result()).isEqualTo(reset);
  }

  @Test
  void privateEndpointConfigAnswersAndAServiceHasNoQueryEndpointUntilOneIsSet() {
    JsonNode config = chplane.api().get(service(id) + "/privateEndpointConfig").result();
    assertThat(config.get("endpointServiceId").asText()).startsWith("chplane-");
    assertThat(config.get("privateDnsHostname").asText()).isEqualTo("localhost");
    ApiClient.Response query = chplane.api().get(service(id) + "/serviceQueryEndpoint");
    assertThat(query.status()).isEqualTo(404);
    assertThat(query.error()).startsWith("NOT_FOUND: ");
  }

  @Test
  void unknownServiceAndUnknownRouteAre404Envelopes() {
    ApiClient.Response missing = chplane.api().get(service("00000000-0000-4000-8000-000000000099"));
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body().get("requestId").asText()).hasSize(36);
    ApiClient.Response route =
        chplane.api().get("/v1/organizations/" + TestInstallation.ORG + "/nothing");
    assertThat(route.status()).isEqualTo(404);
    assertThat(route.error()).startsWith("NOT_FOUND: ");
  }

  @Test
  void requestsRefusedBeforeTheRoutesStillGetTheErrorEnvelope() throws Exception {
    for (String path :
        List.of(
            "/v1/organizations/" + "a".repeat(10_000),
            "/v1/organizations/%00",
            "/v1/organizations/a%2F..%2F..")) {
      ApiClient.TextResponse r = chplane.api().getText(path);
      String label = path.substring(0, Math.min(40, path.length()));
      assertThat(r.status()).as(label).isBetween(400, 499);
      assertThat(r.contentType()).as(label).startsWith("application/json");
      JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
      assertThat(body.get("status").asInt()).as(label).isEqualTo(r.status());
      assertThat(body.get("error").asText()).as(label).isNotBlank();
      assertThat(body.get("requestId").asText()).as(label).hasSize(36);
    }
  }
}
