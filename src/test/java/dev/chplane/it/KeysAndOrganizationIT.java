package dev.chplane.it;

import static dev.chplane.it.TestInstallation.services;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** API keys with roles, state, expiry and IP lists; the organization; tag filters; GET /v1. */
class KeysAndOrganizationIT {
  private static final String KEYS = "/v1/organizations/" + TestInstallation.ORG + "/keys";
  @RegisterExtension static final TestInstallation chplane = new TestInstallation();

  private static JsonNode createKey(String body) {
    ApiClient.Response r = chplane.api().post(KEYS, body);
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    return r.result();
  }

  private static String b64sha256(String text) throws Exception {
    return Base64.getEncoder()
        .encodeToString(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void generatedKeyWorksOnceShownAndIsListedWithItsSuffixOnly() {
    JsonNode created = createKey("{\"name\":\"ci\",\"roles\":[\"admin\"]}");
    String keyId = created.get("keyId").asText();
    String secret = created.get("keySecret").asText();
    assertThat(secret.length()).isGreaterThanOrEqualTo(40);
    assertThat(created.at("/key/keySuffix").asText())
        .isEqualTo(keyId.substring(keyId.length() - 4));
    assertThat(created.at("/key/assignedRoles/0/roleType").asText()).isEqualTo("system");
    assertThat(chplane.apiWith(keyId, secret).get(services()).status()).isEqualTo(200);

    JsonNode listed = chplane.api().get(KEYS).result();
    assertThat(listed.toString()).doesNotContain(secret).doesNotContain(keyId);
    assertThat(listed.findValuesAsText("keySuffix")).contains(keyId.substring(keyId.length() - 4));
    assertThat(
            chplane
                .api()
                .get(KEYS + "/" + created.at("/key/id").asText())
                .result()
                .has("keySecret"))
        .isFalse();
  }

  @Test
  void keyMadeFromClientHashesAuthenticatesWithoutTheServerEverSeeingIt() throws Exception {
    String keyId = "clientMadeKeyId0042";
    String secret = "client-made-secret-0123456789";
    JsonNode created =
        createKey(
            "{\"name\":\"hashed\",\"roles\":[\"developer\"],\"hashData\":{\"keyIdHash\":\""
                + b64sha256(keyId)
                + "\",\"keyIdSuffix\":\"0042\",\"keySecretHash\":\""
                + b64sha256(secret)
                + "\"}}");
    assertThat(created.has("keyId")).isFalse();
    assertThat(created.has("keySecret")).isFalse();
    assertThat(created.at("/key/keySuffix").asText()).isEqualTo("0042");
    assertThat(chplane.apiWith(keyId, secret).get(services()).status()).isEqualTo(200);
    assertThat(chplane.apiWith(keyId, secret + "x").get(services()).status()).isEqualTo(401);
  }

  @Test
  void developerReadsButCannotChangeAndQueryEndpointKeysCannotUseTheseRoutes() {
    JsonNode dev = createKey("{\"name\":\"dev\",\"roles\":[\"developer\"]}");
    ApiClient developer = chplane.apiWith(dev.get("keyId").asText(), dev.get("keySecret").asText());
    assertThat(developer.get(services()).status()).isEqualTo(200);
    ApiClient.Response write =
        developer.post(
            services(), "{\"name\":\"x\",\"provider\":\"aws\",\"region\":\"us-east-1\"}");
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.error()).startsWith("FORBIDDEN: ").contains("developer key may only read");

    JsonNode query =
        createKey(
            "{\"name\":\"query\",\"assignedRoleIds\":[\"8a6a2c4e-0000-4000-8000-00000000ce03\"]}");
    assertThat(query.at("/key/roles/0").asText()).isEqualTo("query_endpoints");
    assertThat(
            chplane
                .apiWith(query.get("keyId").asText(), query.get("keySecret").asText())
                .get(services())
                .status())
        .isEqualTo(403);
  }

  @Test
  void disabledExpiredAndOutOfRangeKeysGet401AndPatchChangesThem() {
    JsonNode k =
        createKey(
            "{\"name\":\"lifecycle\",\"roles\":[\"admin\"],\"ipAccessList\":[{\"source\":\"10.1.1.1\",\"description\":\"elsewhere\"}]}");
    String path = KEYS + "/" + k.at("/key/id").asText();
    ApiClient client = chplane.apiWith(k.get("keyId").asText(), k.get("keySecret").asText());
    ApiClient.Response refused = client.get(services());
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.error()).contains("may not be used from 127.0.0.1");

    chplane
        .api()
        .patch(
            path, "{\"ipAccessList\":[{\"source\":\"127.0.0.0/8\",\"description\":\"loopback\"}]}");
    assertThat(client.get(services()).status()).isEqualTo(200);
    assertThat(chplane.api().get(path).result().has("usedAt")).isTrue();

    assertThat(chplane.api().patch(path, "{\"state\":\"disabled\"}").result().get("state").asText())
        .isEqualTo("disabled");
    assertThat(client.get(services()).status()).isEqualTo(401);
    chplane.api().patch(path, "{\"state\":\"enabled\",\"expireAt\":\"2001-01-01T00:00:00Z\"}");
    assertThat(client.get(services()).status()).isEqualTo(401);
    chplane.api().patch(path, "{\"expireAt\":null}");
    assertThat(client.get(services()).status()).isEqualTo(200);

    assertThat(chplane.api().delete(path).status()).isEqualTo(200);
    assertThat(client.get(services()).status()).isEqualTo(401);
    assertThat(chplane.api().get(path).status()).isEqualTo(404);
  }

  @Test
  void aKeyCannotDeleteItselfAndBadKeyBodiesAre400s() {
    JsonNode k = createKey("{\"name\":\"self\",\"roles\":[\"admin\"]}");
    ApiClient self = chplane.apiWith(k.get("keyId").asText(), k.get("keySecret").asText());
    ApiClient.Response r = self.delete(KEYS + "/" + k.at("/key/id").asText());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).contains("cannot delete itself");
    assertThat(chplane.api().post(KEYS, "{\"name\":\"x\"}").error()).contains("roles: is required");
    assertThat(chplane.api().post(KEYS, "{\"name\":\"x\",\"roles\":[\"root\"]}").error())
        .contains("roles[0]: must be one of");
    assertThat(
            chplane
                .api()
                .post(KEYS, "{\"name\":\"x\",\"roles\":[\"admin\"],\"expireAt\":\"tomorrow\"}")
                .error())
        .contains("expireAt: must be an ISO-8601 date-time");
    assertThat(
            chplane
                .api()
                .post(
                    KEYS,
                    "{\"name\":\"x\",\"roles\":[\"admin\"],\"hashData\":{\"keyIdHash\":\"xx\"}}")
                .error())
        .contains("hashData.keyIdHash: must be base64 of a SHA-256");
  }

  @Test
  void organizationCanBeRenamed() {
    String org = "/v1/organizations/" + TestInstallation.ORG;
    JsonNode renamed =
        chplane.api().patch(org, "{\"name\":\"Platform team\",\"enableCoreDumps\":true}").result();
    assertThat(renamed.get("name").asText()).isEqualTo("Platform team");
    assertThat(chplane.api().get(org).result().get("enableCoreDumps").asBoolean()).isTrue();
    assertThat(chplane.api().patch(org, "{\"name\":\"\"}").status()).isEqualTo(400);
  }

  @Test
  void servicesCanBeFilteredByTags() {
    String a =
        chplane
            .create(
                "{\"name\":\"tagged a\",\"provider\":\"aws\",\"region\":\"us-east-1\","
                    + "\"tags\":[{\"key\":\"env\",\"value\":\"prod\"},{\"key\":\"team\"}]}")
            .at("/service/id")
            .asText();
    String b =
        chplane
            .create(
                "{\"name\":\"tagged b\",\"provider\":\"aws\",\"region\":\"us-east-1\","
                    + "\"tags\":[{\"key\":\"env\",\"value\":\"dev\"}]}")
            .at("/service/id")
            .asText();
    assertThat(
            chplane.api().get(services() + "?filter=tag:env=prod").result().findValuesAsText("id"))
        .containsExactly(a);
    assertThat(chplane.api().get(services() + "?filter=tag:env").result().findValuesAsText("id"))
        .contains(a, b);
    assertThat(
            chplane
                .api()
                .get(services() + "?filter=tag:env&filter=tag:team")
                .result()
                .findValuesAsText("id"))
        .containsExactly(a);
    assertThat(chplane.api().get(services() + "?filter=name:x").status()).isEqualTo(400);
    JsonNode patched =
        chplane
            .api()
            .patch(
                TestInstallation.service(b),
                "{\"tags\":{\"remove\":[{\"key\":\"env\",\"value\":\"dev\"}],\"add\":[{\"key\":\"env\",\"value\":\"prod\"}]}}")
            .result();
    assertThat(patched.get("tags").toString()).isEqualTo("[{\"key\":\"env\",\"value\":\"prod\"}]");
    assertThat(
            chplane.api().get(services() + "?filter=tag:env=prod").result().findValuesAsText("id"))
        .contains(a, b);
  }

  @Test
  void v1ServesOurOpenApiDocumentWithOnlyImplementedOperations() {
    JsonNode doc = chplane.api().get("/v1").body();
    assertThat(doc.get("openapi").asText()).startsWith("3.");
    JsonNode paths = doc.get("paths");
    assertThat(paths.has("/v1/organizations/{organizationId}/services/{serviceId}/state")).isTrue();
    assertThat(paths.get("/v1/organizations/{organizationId}/keys/{keyId}").has("delete")).isTrue();
    assertThat(paths.has("/v1/organizations/{organizationId}/services/{serviceId}/clickpipes"))
        .isTrue();
    assertThat(paths.has("/v1/organizations/{organizationId}/usageCost")).isFalse();
    assertThat(
            paths
                .get("/v1/organizations/{organizationId}/services/{serviceId}/serviceQueryEndpoint")
                .has("post"))
        .isTrue();
    assertThat(
            paths
                .get("/v1/organizations/{organizationId}/services/{serviceId}/serviceQueryEndpoint")
                .has("put"))
        .isFalse();
    assertThat(paths.has("/service/{serviceId}/run"))
        .as("the run endpoint is not a /v1 operation")
        .isFalse();
    assertThat(doc.at("/components/schemas/Service/properties/isPrimary/type").asText())
        .isEqualTo("boolean");
    assertThat(chplane.anonymous().get("/v1").status()).isEqualTo(401);
  }
}
