package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Create, query over both TLS endpoints, stop, start with the data, delete: against real
 * ClickHouse.
 */
class ServiceLifecycleIT {
  @RegisterExtension static final TestInstallation chplane = new TestInstallation();

  private static int port(JsonNode service, String protocol) {
    for (JsonNode e : service.get("endpoints")) {
      if (e.get("protocol").asText().equals(protocol)) {
        assertThat(e.get("host").asText()).isEqualTo("localhost");
        return e.get("port").asInt();
      }
    }
    throw new AssertionError("no " + protocol + " endpoint in " + service);
  }

  @Test
  void createdServiceAnswersOnBothTlsEndpointsWithTheReturnedPassword() throws Exception {
    JsonNode created =
        chplane.create(
            "{\"name\":\"lifecycle one\",\"provider\":\"aws\",\"region\":\"eu-west-1\","
                + "\"ipAccessList\":[{\"source\":\"0.0.0.0\",\"description\":\"Anywhere\"}],\"isReadonly\":false,"
                + "\"idleScaling\":true,\"unknownField\":{\"ignored\":1}}");
    JsonNode service = created.get("service");
    String id = service.get("id").asText();
    String password = created.get("password").asText();
    assertThat(service.get("state").asText()).isEqualTo("provisioning");
    assertThat(password).hasSizeGreaterThanOrEqualTo(16);

    JsonNode running = chplane.awaitState(id, "running");
    assertThat(running.get("clickhouseVersion").asText()).startsWith("18.");
    assertThat(running.get("ipAccessList").toString())
        .isEqualTo("[{\"source\":\"0.0.0.0\",\"description\":\"Anywhere\"}]");
    assertThat(running.has("password")).isFalse();

    ClickHouseClients.Answer viaHttps =
        ClickHouseClients.https(
            chplane.caCertificate(), port(running, "https"), password, "SELECT 40 + 2");
    assertThat(viaHttps.status()).isEqualTo(200);
    assertThat(viaHttps.body().strip()).isEqualTo("42");
    ClickHouseClients.Answer viaNative =
        ClickHouseClients.nativeSecure(
            chplane.caCertificate(), port(running, "nativesecure"), password, "SELECT version()");
    assertThat(viaNative.ok()).as(viaNative.body()).isTrue();
    assertThat(viaNative.body()).startsWith("18.");
    assertThat(
            ClickHouseClients.https(
                    chplane.caCertificate(), port(running, "https"), password + "x", "SELECT 1")
                .ok())
        .isFalse();
  }

  @Test
  void stopKeepsDataAndPortsAndStartBringsThemBack() throws Exception {
    JsonNode created =
        chplane.createRunning("lifecycle two", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
    String id = created.at("/service/id").asText();
    String password = created.get("password").asText();
    int https = port(created.get("service"), "https");
    ClickHouseClients.https(
        chplane.caCertificate(),
        https,
        password,
        "CREATE TABLE t (n UInt32) ENGINE = MergeTree ORDER BY n");
    ClickHouseClients.https(
        chplane.caCertificate(), https, password, "INSERT INTO t SELECT number FROM numbers(1000)");

    JsonNode stopping =
        chplane.api().patch(service(id) + "/state", "{\"command\":\"stop\"}").result();
    assertThat(stopping.get("state").asText()).isIn("stopping", "stopped");
    chplane.awaitState(id, "stopped");
    assertThat(ClickHouseProcesses.under(chplane.serviceDir(id))).isEmpty();
    assertThatThrownBy(
            () -> ClickHouseClients.https(chplane.caCertificate(), https, password, "SELECT 1"))
        .isInstanceOf(java.io.IOException.class);

    JsonNode starting =
        chplane.api().patch(service(id) + "/state", "{\"command\":\"start\"}").result();
    assertThat(starting.get("state").asText()).isIn("starting", "running");
    JsonNode running = chplane.awaitState(id, "running");
    assertThat(port(running, "https")).isEqualTo(https);
    assertThat(port(running, "nativesecure"))
        .isEqualTo(port(created.get("service"), "nativesecure"));
    assertThat(
            ClickHouseClients.https(
                    chplane.caCertificate(), https, password, "SELECT count(), sum(n) FROM t")
                .body()
                .strip())
        .isEqualTo("1000\t499500");
  }

  @Test
  void deleteIsRefusedUntilStoppedThenRemovesProcessAndData() {
    String id = chplane.createRunning("lifecycle three", "[]").at("/service/id").asText();
    assertThat(Files.isDirectory(chplane.serviceDir(id))).isTrue();

    ApiClient.Response refused = chplane.api().delete(service(id));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.error()).startsWith("CONFLICT: ").contains("must be stopped");
    assertThat(chplane.api().get(service(id)).result().get("state").asText()).isEqualTo("running");

    chplane.api().patch(service(id) + "/state", "{\"command\":\"stop\"}");
    chplane.awaitState(id, "stopped");
    ApiClient.Response deleted = chplane.api().delete(service(id));
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.body().has("result")).isFalse();
    assertThat(deleted.body().get("requestId").asText()).hasSize(36);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> chplane.api().get(service(id)).status() == 404);
    ApiClient.Response gone = chplane.api().get(service(id));
    assertThat(gone.body().get("status").asInt()).isEqualTo(404);
    assertThat(gone.error()).startsWith("NOT_FOUND: ");
    assertThat(gone.body().has("requestId")).isTrue();
    assertThat(chplane.serviceDir(id)).doesNotExist();
    assertThat(ClickHouseProcesses.under(chplane.serviceDir(id))).isEmpty();
    assertThat(chplane.api().get(TestInstallation.services()).result().findValuesAsText("id"))
        .doesNotContain(id);
  }
}
