package dev.chplane.conformance;

import static dev.chplane.conformance.Operation.KEY;
import static dev.chplane.conformance.Operation.KEYS;
import static dev.chplane.conformance.Operation.ORG;
import static dev.chplane.conformance.Operation.ORGS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chplane.it.TestInstallation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Organization and API key operations, each answered at least once with 200 and once with an error,
 * with bodies that exercise every field chplane returns (all checked by {@link CheckedApi}).
 */
final class KeyAndOrganizationCalls {
  static final String ORG_ID = TestInstallation.ORG;
  static final String OTHER_ORG = "00000000-0000-4000-8000-000000000000";
  static final String MISSING = "00000000-0000-4000-8000-0000000000ff";

  private KeyAndOrganizationCalls() {}

  static void organizations(CheckedApi api) {
    assertThat(api.expect(200, Operation.get(ORGS), null).result()).hasSize(1);
    api.as(null, null).expect(401, Operation.get(ORGS), null);
    api.as(TestInstallation.KEY_ID, "wrong-secret-0123456789")
        .expect(401, Operation.get(ORGS), null);

    api.expect(200, Operation.get(ORG), null, ORG_ID);
    api.expect(403, Operation.get(ORG), null, OTHER_ORG);
    api.expect(400, Operation.get(ORG), null, "not-a-uuid");

    Operation patch = Operation.patch(ORG);
    api.expect(
        200,
        patch,
        "{\"name\":\"conformance\",\"enableCoreDumps\":true,\"privateEndpoints\":{\"remove\":[]}}",
        ORG_ID);
    api.expect(200, patch, "{\"name\":\"" + "o".repeat(255) + "\"}", ORG_ID);
    api.expect(200, patch, "{}", ORG_ID);
    api.expect(400, patch, "{\"name\":\"\"}", ORG_ID);
    api.expect(
        400,
        patch,
        "{\"privateEndpoints\":{\"add\":[{\"id\":\"vpce-1\",\"description\":\"d\"}]}}",
        ORG_ID);
    api.expect(403, patch, "{\"name\":\"x\"}", OTHER_ORG);
  }

  static void keys(CheckedApi api) {
    Operation list = Operation.get(KEYS);
    Operation create = Operation.post(KEYS);
    Operation get = Operation.get(KEY);
    Operation patch = Operation.patch(KEY);
    Operation delete = Operation.delete(KEY);

    CheckedApi.Response developer =
        api.expect(200, create, "{\"name\":\"developer\",\"roles\":[\"developer\"]}", ORG_ID);
    assertThat(developer.result().path("keyId").asText()).isNotEmpty();
    String developerId = developer.result().at("/key/id").asText();
    CheckedApi asDeveloper =
        api.as(
            developer.result().get("keyId").asText(), developer.result().get("keySecret").asText());
    String adminRoleId = developer.result().at("/key/assignedRoles/0/roleId").asText();

    String rich =
        api.expect(
                200,
                create,
                "{\"name\":\"rich\",\"assignedRoleIds\":[\""
                    + adminRoleId
                    + "\"],"
                    + "\"roles\":[\"developer\",\"query_endpoints\"],\"state\":\"disabled\",\"expireAt\":\"2099-12-31T23:59:59+02:00\","
                    + "\"ipAccessList\":[{\"source\":\"127.0.0.1\",\"description\":\"here\"},{\"source\":\"10.0.0.0/8\"}]}",
                ORG_ID)
            .result()
            .at("/key/id")
            .asText();
    api.expect(
        200,
        create,
        "{\"name\":\"far future\",\"roles\":[\"admin\"],\"expireAt\":\"9999-12-31T23:59:59Z\"}",
        ORG_ID);
    String hashData =
        "{\"name\":\"hashed\",\"roles\":[\"admin\"],\"hashData\":{\"keyIdHash\":\""
            + sha256Base64("hashed-id-1234")
            + "\",\"keyIdSuffix\":\"1234\",\"keySecretHash\":\""
            + sha256Base64("hashed-secret")
            + "\"}}";
    CheckedApi.Response hashed = api.expect(200, create, hashData, ORG_ID);
    assertThat(hashed.result().has("keySecret")).isFalse();
    api.expect(409, create, hashData, ORG_ID);
    api.expect(400, create, "{\"name\":\"no roles\"}", ORG_ID);
    // a valid RFC 3339 input that is in the year 10000 in UTC, which no RFC 3339 date-time can echo
    api.expect(
        400,
        create,
        "{\"name\":\"too far\",\"roles\":[\"admin\"],\"expireAt\":\"9999-12-31T23:59:59-01:00\"}",
        ORG_ID);
    api.expect(403, create, "{\"name\":\"x\",\"roles\":[\"admin\"]}", OTHER_ORG);
    asDeveloper.expect(403, create, "{\"name\":\"x\",\"roles\":[\"admin\"]}", ORG_ID);

    JsonNode keys = api.expect(200, list, null, ORG_ID).result();
    assertThat(keys.size()).isGreaterThanOrEqualTo(4);
    String self =
        keys.findParents("keySuffix").stream()
            .filter(k -> TestInstallation.KEY_ID.endsWith(k.get("keySuffix").asText()))
            .findFirst()
            .orElseThrow()
            .get("id")
            .asText();
    asDeveloper.expect(200, list, null, ORG_ID);
    api.expect(403, list, null, OTHER_ORG);

    api.expect(200, get, null, ORG_ID, rich);
    asDeveloper.expect(200, get, null, ORG_ID, self);
    api.expect(404, get, null, ORG_ID, MISSING);
    api.expect(400, get, null, ORG_ID, "not-a-uuid");

    api.expect(
        200,
        patch,
        "{\"name\":\"renamed\",\"state\":\"enabled\",\"expireAt\":null,"
            + "\"ipAccessList\":[{\"source\":\"::1\",\"description\":\"v6\"}]}",
        ORG_ID,
        rich);
    api.expect(
        200,
        patch,
        "{\"expireAt\":\"2030-01-31T12:00:00.5Z\",\"assignedRoleIds\":[\"" + adminRoleId + "\"]}",
        ORG_ID,
        rich);
    api.expect(400, patch, "{\"state\":\"paused\"}", ORG_ID, rich);
    api.expect(400, patch, "{\"expireAt\":\"next week\"}", ORG_ID, rich);
    api.expect(400, patch, "{\"expireAt\":\"+10000-01-01T00:00:00Z\"}", ORG_ID, rich);
    api.expect(404, patch, "{\"name\":\"x\"}", ORG_ID, MISSING);
    asDeveloper.expect(403, patch, "{\"name\":\"x\"}", ORG_ID, rich);

    api.expect(200, delete, null, ORG_ID, hashed.result().at("/key/id").asText());
    api.expect(400, delete, null, ORG_ID, self);
    api.expect(404, delete, null, ORG_ID, MISSING);
    asDeveloper.expect(403, delete, null, ORG_ID, rich);
    api.expect(200, delete, null, ORG_ID, developerId);
    asDeveloper.expect(401, get, null, ORG_ID, rich);
  }

  static String sha256Base64(String text) {
    try {
      return Base64.getEncoder()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
