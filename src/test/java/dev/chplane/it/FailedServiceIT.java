package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server that cannot start makes its service failed; the reason reaches the user; chplane retries
 * by itself (the service stays failed meanwhile), and a stop ends the retries.
 */
class FailedServiceIT {
  @RegisterExtension static final TestInstallation chplane = new TestInstallation();

  @Test
  void occupiedPortFailsTheServiceWhichStartsByItselfOnceThePortIsFree() throws Exception {
    JsonNode created =
        chplane.createRunning("fails", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
    String id = created.at("/service/id").asText();
    int https = created.at("/service/endpoints/1/port").asInt();
    assertThat(created.at("/service/endpoints/1/protocol").asText()).isEqualTo("https");
    int internal = TestInstallation.internalHttpsPort(chplane.serviceDir(id));
    chplane.api().patch(service(id) + "/state", "{\"command\":\"stop\"}");
    chplane.awaitState(id, "stopped");

    try (ServerSocket squatter =
        new ServerSocket(internal, 1, InetAddress.getByName("127.0.0.1"))) {
      chplane.api().patch(service(id) + "/state", "{\"command\":\"start\"}");
      chplane.awaitState(id, "failed");
      ApiClient.Response refused = chplane.api().patch(service(id) + "/password", "{}");
      assertThat(refused.status()).isEqualTo(409);
      assertThat(refused.error())
          .contains("is failed")
          .contains("clickhouse-server exited during start");
      assertThat(ClickHouseProcesses.under(chplane.serviceDir(id))).isEmpty();
      // the first retry comes 5 s after the failure; it fails too, and the service never leaves
      // failed
      await()
          .during(Duration.ofSeconds(7))
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> chplane.api().get(service(id)).result().path("state").asText(),
              "failed"::equals);
    }

    // no start command: a retry (5 s after the failure, then 10 s ...) finds the port free
    chplane.awaitState(id, "running");
    ClickHouseClients.Answer answer =
        ClickHouseClients.https(
            chplane.caCertificate(), https, created.get("password").asText(), "SELECT 1");
    assertThat(answer.body().strip()).isEqualTo("1");
  }

  @Test
  void stoppingAFailedServiceSettlesAsStopped() throws Exception {
    JsonNode created = chplane.createRunning("fails then stops", "[]");
    String id = created.at("/service/id").asText();
    int internal = TestInstallation.internalHttpsPort(chplane.serviceDir(id));
    chplane.api().patch(service(id) + "/state", "{\"command\":\"stop\"}");
    chplane.awaitState(id, "stopped");
    try (ServerSocket squatter =
        new ServerSocket(internal, 1, InetAddress.getByName("127.0.0.1"))) {
      chplane.api().patch(service(id) + "/state", "{\"command\":\"start\"}");
      chplane.awaitState(id, "failed");
      chplane.api().patch(service(id) + "/state", "{\"command\":\"stop\"}");
      chplane.awaitState(id, "stopped");
    }
    assertThat(chplane.api().delete(service(id)).status()).isEqualTo(200);
  }
}
