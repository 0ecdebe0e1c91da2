package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static dev.chplane.it.TestInstallation.services;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Input rules through the API: null is not absent, names are plain text, the body is UTF-8, IP
 * entries echo what was sent (an absent description stays absent), CIDRs have no host bits and
 * {@code ::/0} is IPv6 only, and the last enabled admin key cannot disable itself.
 */
class InputRulesIT {
  private static final String ORG = "/v1/organizations/" + TestInstallation.ORG;
  private static final String KEYS = ORG + "/keys";
  @RegisterExtension static final TestInstallation chplane = new TestInstallation();
  private static String serviceId;

  @BeforeAll
  static void createService() {
    serviceId =
        chplane
            .create(
                "{\"name\":\"rules\",\"provider\":\"aws\",\"region\":\"us-east-1\",\"ipAccessList\":["
                    + "{\"source\":\"127.0.0.1\"},{\"source\":\"10.0.0.0/8\",\"description\":\"\"},"
                    + "{\"source\":\"192.168.0.0/16\",\"description\":\"office\"}]}")
            .at("/service/id")
            .asText();
  }

  private static void expect400Naming(ApiClient.Response r, String field, String rule) {
    assertThat(r.status()).as(r.body().toString()).isEqualTo(400);
    assertThat(r.error())
        .as(r.body().toString())
        .startsWith("BAD_REQUEST: " + field + ": ")
        .contains(rule);
  }

  @Test
  void ipEntriesComeBackExactlyAsSentAnAbsentDescriptionIncluded() {
    JsonNode ips = chplane.api().get(service(serviceId)).result().get("ipAccessList");
    assertThat(ips.toString())
        .isEqualTo(
            "[{\"source\":\"127.0.0.1\"},{\"source\":\"10.0.0.0/8\",\"description\":\"\"},"
                + "{\"source\":\"192.168.0.0/16\",\"description\":\"office\"}]");

    chplane
        .api()
        .patch(service(serviceId), "{\"ipAccessList\":{\"add\":[{\"source\":\"172.16.0.0/12\"}]}}");
    assertThat(chplane.api().get(service(serviceId)).result().at("/ipAccessList/3").toString())
        .isEqualTo("{\"source\":\"172.16.0.0/12\"}");

    JsonNode key =
        chplane
            .api()
            .post(
                KEYS,
                "{\"name\":\"echo\",\"roles\":[\"developer\"],"
                    + "\"ipAccessList\":[{\"source\":\"127.0.0.1\"},{\"source\":\"::1\",\"description\":\"v6\"}]}")
            .result();
    String keyPath = KEYS + "/" + key.at("/key/id").asText();
    assertThat(chplane.api().get(keyPath).result().get("ipAccessList").toString())
        .isEqualTo("[{\"source\":\"127.0.0.1\"},{\"source\":\"::1\",\"description\":\"v6\"}]");
  }

  @Test
  void aKafkaPipeSentWithoutOffsetComesBackWithoutOne() {
    chplane.awaitState(serviceId, "running");
    String pipes = service(serviceId) + "/clickpipes";
    String body =
        "{\"name\":\"echo\",\"source\":{\"kafka\":{\"format\":\"JSONEachRow\",\"brokers\":\"127.0.0.1:9\","
            + "\"topics\":\"events\"OFFSET}},\"destination\":{\"table\":\"echo_TABLE\",\"managedTable\":true,"
            + "\"tableDefinition\":{\"engine\":{\"type\":\"MergeTree\"},\"sortingKey\":[\"id\"]},"
            + "\"columns\":[{\"name\":\"id\",\"type\":\"UInt64\"}]}}";
    ApiClient.Response without =
        chplane.api().post(pipes, body.replace("OFFSET", "").replace("TABLE", "a"));
    assertThat(without.status()).as(without.body().toString()).isEqualTo(200);
    JsonNode read = chplane.api().get(pipes + "/" + without.result().get("id").asText()).result();
    assertThat(read.at("/source/kafka").has("offset")).as(read.toString()).isFalse();
    assertThat(read.at("/source/kafka/consumerGroup").asText())
        .as("filled in, as clients expect")
        .startsWith("clickpipes-");

    ApiClient.Response with =
        chplane
            .api()
            .post(
                pipes,
                body.replace("OFFSET", ",\"offset\":{\"strategy\":\"from_latest\"}")
                    .replace("TABLE", "b"));
    assertThat(with.status()).as(with.body().toString()).isEqualTo(200);
    assertThat(
            chplane
                .api()
                .get(pipes + "/" + with.result().get("id").asText())
                .result()
                .at("/source/kafka/offset")
                .toString())
        .isEqualTo("{\"strategy\":\"from_latest\"}");
  }

  @Test
  void aPipePatchMaySendTheCurrentColumnsAgainButNotOtherOnes() {
    chplane.awaitState(serviceId, "running");
    String pipes = service(serviceId) + "/clickpipes";
    String columns = "[{\"name\":\"id\",\"type\":\"UInt64\"},{\"name\":\"v\",\"type\":\"String\"}]";
    ApiClient.Response created =
        chplane
            .api()
            .post(
                pipes,
                "{\"name\":\"cols\",\"source\":{\"kafka\":{"
                    + "\"format\":\"JSONEachRow\",\"brokers\":\"127.0.0.1:9\",\"topics\":\"events\"}},"
                    + "\"destination\":{\"table\":\"cols\",\"managedTable\":true,\"tableDefinition\":{\"engine\":"
                    + "{\"type\":\"MergeTree\"},\"sortingKey\":[\"id\"]},\"columns\":"
                    + columns
                    + "}}");
    assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
    String pipe = pipes + "/" + created.result().get("id").asText();

    // as the Terraform provider sends a change of fieldMappings: with the destination's columns
    ApiClient.Response same =
        chplane
            .api()
            .send(
                "PATCH",
                pipe,
                "{\"fieldMappings\":[{\"sourceField\":\"value\","
                    + "\"destinationField\":\"v\"}],\"destination\":{\"columns\":"
                    + columns
                    + "}}");
    assertThat(same.status()).as(same.body().toString()).isEqualTo(200);
    assertThat(chplane.api().get(pipe).result().at("/fieldMappings/0/sourceField").asText())
        .isEqualTo("value");

    ApiClient.Response other =
        chplane
            .api()
            .send(
                "PATCH",
                pipe,
                "{\"name\":\"renamed\",\"destination\":{\"columns\":"
                    + "[{\"name\":\"id\",\"type\":\"UInt64\"}]}}");
    expect400Naming(other, "destination.columns", "not supported");
    assertThat(chplane.api().get(pipe).result().get("name").asText()).isEqualTo("cols");
  }

  @Test
  void nullInAFieldThatIsNotNullableIsABadRequestAndChangesNothing() {
    JsonNode before = chplane.api().get(service(serviceId)).result();
    ApiClient.Response password =
        chplane.api().patch(service(serviceId) + "/password", "{\"newPasswordHash\":null}");
    expect400Naming(password, "newPasswordHash", "must not be null");
    assertThat(password.body().has("result")).isFalse();
    expect400Naming(
        chplane.api().patch(service(serviceId), "{\"name\":null}"), "name", "must not be null");
    expect400Naming(
        chplane
            .api()
            .patch(service(serviceId) + "/replicaScaling", "{\"idleTimeoutMinutes\":null}"),
        "idleTimeoutMinutes",
        "must not be null");
    expect400Naming(
        chplane.api().patch(service(serviceId) + "/scaling", "{\"numReplicas\":1.5}"),
        "numReplicas",
        "must be a whole number");
    assertThat(withoutState(chplane.api().get(service(serviceId)).result()))
        .isEqualTo(withoutState(before));
    // nullable in the official document: null is "never expires"
    JsonNode key =
        chplane
            .api()
            .post(KEYS, "{\"name\":\"no expiry\",\"roles\":[\"developer\"],\"expireAt\":null}")
            .result();
    assertThat(key.at("/key/expireAt").isMissingNode()).isTrue();
  }

  @Test
  void namesRefuseNulControlCharactersAndBidirectionalOverrides() {
    int before = chplane.api().get(services()).result().size();
    for (String bad :
        new String[] {"\\u0000", "\\u001b[2J", "\\n", "\\u007f", "\\u009b", "\\u202e", "\\u2067"}) {
      ApiClient.Response r =
          chplane
              .api()
              .post(
                  services(),
                  "{\"name\":\"evil"
                      + bad
                      + "name\",\"provider\":\"aws\","
                      + "\"region\":\"us-east-1\"}");
      expect400Naming(r, "name", "must not contain");
      expect400Naming(
          chplane.api().patch(ORG, "{\"name\":\"org" + bad + "\"}"), "name", "must not contain");
      expect400Naming(
          chplane.api().post(KEYS, "{\"name\":\"key" + bad + "\",\"roles\":[\"developer\"]}"),
          "name",
          "must not contain");
      expect400Naming(
          chplane
              .api()
              .patch(
                  service(serviceId),
                  "{\"ipAccessList\":{\"add\":[{\"source\":\"10.9.9.9\","
                      + "\"description\":\"d"
                      + bad
                      + "\"}]}}"),
          "ipAccessList.add[0].description",
          "must not contain");
    }
    assertThat(chplane.api().get(services()).result().size()).isEqualTo(before);
    assertThat(chplane.api().get(ORG).result().get("name").asText()).doesNotContain("org");
  }

  @Test
  void aBodyThatIsNotValidUtf8IsABadRequestNotAReplacementCharacter() {
    byte[] prefix = "{\"name\":\"caf".getBytes(StandardCharsets.UTF_8);
    byte[] suffix = "\"}".getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[prefix.length + 2 + suffix.length];
    System.arraycopy(prefix, 0, body, 0, prefix.length);
    body[prefix.length] = (byte) 0xC3;
    body[prefix.length + 1] = (byte) 0x28;
    System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);
    ApiClient.Response r = chplane.api().sendBytes("PATCH", service(serviceId), body);
    assertThat(r.status()).as(r.body().toString()).isEqualTo(400);
    assertThat(r.error()).contains("not valid UTF-8");
    assertThat(chplane.api().get(service(serviceId)).result().get("name").asText())
        .isEqualTo("rules");
  }

  @Test
  void cidrsWithHostBitsAreRefusedAndIpv6AnywhereAdmitsNoIpv4Client() {
    expect400Naming(
        chplane
            .api()
            .patch(
                service(serviceId), "{\"ipAccessList\":{\"add\":[{\"source\":\"10.0.0.1/8\"}]}}"),
        "ipAccessList.add[0].source",
        "host bits set; the network of that prefix is '10.0.0.0/8'");
    expect400Naming(
        chplane
            .api()
            .post(
                KEYS,
                "{\"name\":\"k\",\"roles\":[\"developer\"],\"ipAccessList\":"
                    + "[{\"source\":\"2001:db8::1/32\"}]}"),
        "ipAccessList[0].source",
        "host bits set");

    JsonNode v6 =
        chplane
            .api()
            .post(
                KEYS,
                "{\"name\":\"v6 only\",\"roles\":[\"developer\"],\"ipAccessList\":"
                    + "[{\"source\":\"::/0\"}]}")
            .result();
    assertThat(
            chplane
                .apiWith(v6.get("keyId").asText(), v6.get("keySecret").asText())
                .get(services())
                .status())
        .as("::/0 admits IPv6 clients only; this one is 127.0.0.1")
        .isEqualTo(401);
    JsonNode anywhere =
        chplane
            .api()
            .post(
                KEYS,
                "{\"name\":\"anywhere\",\"roles\":[\"developer\"],\"ipAccessList\":"
                    + "[{\"source\":\"0.0.0.0/0\"}]}")
            .result();
    assertThat(
            chplane
                .apiWith(anywhere.get("keyId").asText(), anywhere.get("keySecret").asText())
                .get(services())
                .status())
        .isEqualTo(200);
  }

  @Test
  void theLastEnabledAdminKeyCannotDisableItselfButAnotherAdminCan() {
    String own = KEYS + "/" + ownKeyId();
    expect400Naming(
        chplane.api().patch(own, "{\"state\":\"disabled\"}"), "state", "last enabled admin key");
    expect400Naming(
        chplane.api().patch(own, "{\"roles\":[\"developer\"]}"), "roles", "last enabled admin key");
    expect400Naming(
        chplane.api().patch(own, "{\"expireAt\":\"2001-01-01T00:00:00Z\"}"),
        "expireAt",
        "last enabled admin key");
    assertThat(chplane.api().get(own).result().get("state").asText()).isEqualTo("enabled");
    assertThat(chplane.api().get(services()).status()).isEqualTo(200);

    JsonNode second =
        chplane.api().post(KEYS, "{\"name\":\"second admin\",\"roles\":[\"admin\"]}").result();
    ApiClient secondApi =
        chplane.apiWith(second.get("keyId").asText(), second.get("keySecret").asText());
    String secondPath = KEYS + "/" + second.at("/key/id").asText();
    // with another enabled admin left, a key may disable itself
    assertThat(secondApi.patch(secondPath, "{\"state\":\"disabled\"}").status()).isEqualTo(200);
    assertThat(secondApi.get(services()).status()).isEqualTo(401);
    expect400Naming(
        chplane.api().patch(own, "{\"state\":\"disabled\"}"), "state", "last enabled admin key");
  }

  private static String ownKeyId() {
    String suffix = TestInstallation.KEY_ID.substring(TestInstallation.KEY_ID.length() - 4);
    return StreamSupport.stream(chplane.api().get(KEYS).result().spliterator(), false)
        .filter(
            k ->
                k.get("keySuffix").asText().equals(suffix)
                    && k.at("/roles/0").asText().equals("admin"))
        .findFirst()
        .orElseThrow()
        .get("id")
        .asText();
  }

  private static JsonNode withoutState(JsonNode service) {
    com.fasterxml.jackson.databind.node.ObjectNode copy = service.deepCopy();
    copy.remove("state");
    copy.remove("clickhouseVersion");
    return copy;
  }
}
