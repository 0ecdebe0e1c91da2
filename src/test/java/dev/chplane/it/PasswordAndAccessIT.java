package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Passwords and IP access lists take effect on the real server; chplane's own user is never locked
 * out.
 */
class PasswordAndAccessIT {
  @RegisterExtension static final TestInstallation chplane = new TestInstallation();

  private static int https(JsonNode service) {
    return service.get("endpoints").findParents("protocol").stream()
        .filter(e -> e.get("protocol").asText().equals("https"))
        .findFirst()
        .orElseThrow()
        .get("port")
        .asInt();
  }

  /** A query from {@code from}; a connection the edge refuses answers status 0. */
  private static ClickHouseClients.Answer query(int port, String from, String password)
      throws Exception {
    try {
      return ClickHouseClients.https(
          chplane.caCertificate(), port, from, "default", password, "SELECT 1");
    } catch (java.io.IOException e) {
      return new ClickHouseClients.Answer(0, "connection closed: " + e);
    }
  }

  @Test
  void passwordHashMakesTheNewPasswordWorkAndTheOldOneFail() throws Exception {
    JsonNode created =
        chplane.createRunning("password hash", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
    String id = created.at("/service/id").asText();
    String old = created.get("password").asText();
    int port = https(created.get("service"));
    String hash =
        Base64.getEncoder()
            .encodeToString(
                MessageDigest.getInstance("SHA-256")
                    .digest("n3w-Passw0rd".getBytes(StandardCharsets.UTF_8)));

    ApiClient.Response r =
        chplane
            .api()
            .patch(
                service(id) + "/password",
                "{\"newPasswordHash\":\""
                    + hash
                    + "\",\"newDoubleSha1Hash\":\""
                    + "ab".repeat(20)
                    + "\"}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.result().has("password")).isFalse();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> query(port, "127.0.0.1", "n3w-Passw0rd").ok());
    assertThat(query(port, "127.0.0.1", old).body()).contains("Wrong password");
    assertThat(chplane.api().get(service(id)).result().toString())
        .doesNotContain(hash)
        .doesNotContain("ab".repeat(20));
  }

  @Test
  void passwordPatchWithoutHashReturnsAGeneratedPasswordThatWorks() throws Exception {
    JsonNode created =
        chplane.createRunning(
            "password generated", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
    String id = created.at("/service/id").asText();
    int port = https(created.get("service"));
    ApiClient.Response r = chplane.api().patch(service(id) + "/password", "{}");
    String generated = r.result().get("password").asText();
    assertThat(generated)
        .isNotEqualTo(created.get("password").asText())
        .hasSizeGreaterThanOrEqualTo(16);
    await().atMost(Duration.ofSeconds(20)).until(() -> query(port, "127.0.0.1", generated).ok());
    assertThat(query(port, "127.0.0.1", created.get("password").asText()).ok()).isFalse();
  }

  @Test
  void ipAccessListAdmitsOnlyListedAddressesAndPatchAppliesRemoveThenAdd() throws Exception {
    JsonNode created =
        chplane.createRunning(
            "ip access", "[{\"source\":\"127.0.0.1\",\"description\":\"allowed\"}]");
    String id = created.at("/service/id").asText();
    String password = created.get("password").asText();
    int port = https(created.get("service"));

    assertThat(query(port, "127.0.0.1", password).ok()).isTrue();
    ClickHouseClients.Answer refused = query(port, "127.0.0.2", password);
    assertThat(refused.ok()).isFalse();
    assertThat(refused.status()).as("the edge closes connections from unlisted addresses").isZero();

    ApiClient.Response patched =
        chplane
            .api()
            .patch(
                service(id),
                "{\"ipAccessList\":{"
                    + "\"remove\":[{\"source\":\"127.0.0.1\",\"description\":\"allowed\"}],"
                    + "\"add\":[{\"source\":\"127.0.0.2/32\",\"description\":\"second\"},{\"source\":\"10.0.0.0/8\",\"description\":\"lan\"}]}}");
    assertThat(patched.result().get("ipAccessList").toString())
        .isEqualTo(
            "[{\"source\":\"127.0.0.2/32\",\"description\":\"second\"},{\"source\":\"10.0.0.0/8\",\"description\":\"lan\"}]");
    await().atMost(Duration.ofSeconds(20)).until(() -> query(port, "127.0.0.2", password).ok());
    // 10.0.0.0/8 must not admit 127.0.0.1 (18.16 would read an IPv4 prefix as an IPv6 one)
    assertThat(query(port, "127.0.0.1", password).ok()).isFalse();

    chplane
        .api()
        .patch(
            service(id),
            "{\"ipAccessList\":{\"remove\":[{\"source\":\"127.0.0.2/32\"},{\"source\":\"10.0.0.0/8\"}]}}");
    await().atMost(Duration.ofSeconds(20)).until(() -> !query(port, "127.0.0.2", password).ok());
    assertThat(chplane.api().get(service(id)).result().get("ipAccessList")).isEmpty();
    assertThat(query(port, "127.0.0.1", password).ok()).isFalse();
    // chplane's internal user is unaffected: the service still answers its probes
    chplane.api().patch(service(id) + "/state", "{\"command\":\"stop\"}");
    chplane.awaitState(id, "stopped");
    chplane.api().patch(service(id) + "/state", "{\"command\":\"start\"}");
    chplane.awaitState(id, "running");

    chplane
        .api()
        .patch(
            service(id),
            "{\"ipAccessList\":{\"add\":[{\"source\":\"0.0.0.0/0\",\"description\":\"anywhere\"}]}}");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                query(port, "127.0.0.2", password).ok() && query(port, "127.0.0.1", password).ok());
  }

  @Test
  void scalingSetsTheMemoryLimitOfTheRunningServer() throws Exception {
    JsonNode created =
        chplane.createRunning("scaling", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
    String id = created.at("/service/id").asText();
    int port = https(created.get("service"));
    String sql =
        "SELECT value FROM system.settings WHERE name = 'max_memory_usage_for_all_queries'";
    ApiClient.Response r =
        chplane
            .api()
            .patch(
                service(id) + "/replicaScaling",
                "{\"minReplicaMemoryGb\":12,\"maxReplicaMemoryGb\":16,\"idleScaling\":false,\"idleTimeoutMinutes\":10}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.result().get("maxReplicaMemoryGb").asInt()).isEqualTo(16);
    assertThat(r.result().get("idleTimeoutMinutes").asInt()).isEqualTo(10);
    assertThat(r.result().at("/currentScaling/effectiveMaxReplicaMemoryGb").asInt()).isEqualTo(16);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                ClickHouseClients.https(
                        chplane.caCertificate(), port, created.get("password").asText(), sql)
                    .body()
                    .strip()
                    .equals(Long.toString(16L << 30)));
  }
}
