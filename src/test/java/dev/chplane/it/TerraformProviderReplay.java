package dev.chplane.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * Replays the calls the official Terraform provider (v3.25) makes, in its order and with its
 * acceptance rules (only HTTP 200 is success; 404 means gone; 409 on delete is retried), as read
 * from its source (see shared/reference/client-compatibility.md, section 2). Polls run faster than
 * the provider's 5 s so the tests stay short; the sequence of calls is the same.
 */
final class TerraformProviderReplay {
  private final ApiClient api;

  TerraformProviderReplay(ApiClient api) {
    this.api = api;
  }

  /** The provider's full service read: up to four calls. */
  record FullRead(
      int status,
      JsonNode service,
      JsonNode privateEndpointConfig,
      JsonNode backupConfiguration,
      int queryEndpointStatus) {}

  FullRead fullRead(String id) {
    ApiClient.Response service = api.get(TestInstallation.service(id));
    if (service.status() != 200) {
      return new FullRead(service.status(), null, null, null, 0);
    }
    ApiClient.Response pe = api.get(TestInstallation.service(id) + "/privateEndpointConfig");
    assertThat(pe.status()).as("privateEndpointConfig must always be 200").isEqualTo(200);
    JsonNode backup = null;
    // the provider dereferences isPrimary without a nil check
    assertThat(service.result().get("isPrimary").isBoolean()).isTrue();
    if (service.result().get("isPrimary").asBoolean()) {
      ApiClient.Response b = api.get(TestInstallation.service(id) + "/backupConfiguration");
      assertThat(b.status()).isEqualTo(200);
      backup = b.result();
    }
    ApiClient.Response query = api.get(TestInstallation.service(id) + "/serviceQueryEndpoint");
    assertThat(query.status())
        .as("no query endpoint must read as 404, anything else fails the read")
        .isIn(200, 404);
    return new FullRead(200, service.result(), pe.result(), backup, query.status());
  }

  /** Create: POST, then poll full reads until the state is no longer provisioning. */
  FullRead create(String body) {
    ApiClient.Response created = api.post(TestInstallation.services(), body);
    assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
    String id = created.result().at("/service/id").asText();
    assertThat(created.result().get("password").isTextual()).isTrue();
    FullRead[] last = new FullRead[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              last[0] = fullRead(id);
              return !"provisioning".equals(last[0].service().get("state").asText());
            });
    return last[0];
  }

  void patch(String path, String body) {
    ApiClient.Response r = api.patch(path, body);
    assertThat(r.status()).as(path + " " + r.body()).isEqualTo(200);
    assertThat(r.body().isObject()).isTrue();
  }

  /**
   * {@code query_api_endpoints} set: POST on create and on every update (an upsert); the result is
   * decoded.
   */
  JsonNode upsertQueryEndpoint(String id, String body) {
    ApiClient.Response r = api.post(TestInstallation.service(id) + "/serviceQueryEndpoint", body);
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    return r.result();
  }

  /** {@code query_api_endpoints} removed: DELETE, where 404 counts as success. */
  void removeQueryEndpoint(String id) {
    ApiClient.Response r = api.delete(TestInstallation.service(id) + "/serviceQueryEndpoint");
    assertThat(r.status()).as(r.body().toString()).isIn(200, 404);
  }

  /**
   * Delete: read; stop unless stopped or stopping; poll until stopped; DELETE (409 retried); poll
   * until 404.
   */
  void delete(String id) {
    FullRead read = fullRead(id);
    if (read.status() == 404) {
      return;
    }
    String state = read.service().get("state").asText();
    if (!state.equals("stopped") && !state.equals("stopping")) {
      ApiClient.Response stop =
          api.patch(TestInstallation.service(id) + "/state", "{\"command\":\"stop\"}");
      assertThat(stop.status()).isIn(200, 404);
    }
    await()
        .atMost(Duration.ofSeconds(90))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              FullRead r = fullRead(id);
              return r.status() == 404 || r.service().get("state").asText().equals("stopped");
            });
    await()
        .atMost(Duration.ofSeconds(90))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              ApiClient.Response d = api.delete(TestInstallation.service(id));
              assertThat(d.body().isObject()).as("DELETE must answer JSON").isTrue();
              assertThat(d.status()).isIn(200, 404, 409);
              return d.status() != 409;
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> api.get(TestInstallation.service(id)).status() == 404);
  }
}
