package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Warehouses through the API against real servers: a secondary service created with {@code
 * dataWarehouseId}, the rules of its creation, and a primary that outlives its secondaries.
 */
class WarehouseIT {
  @RegisterExtension static final TestInstallation chplane = new TestInstallation();

  private static String body(String name, String region, String extra) {
    return "{\"name\":\""
        + name
        + "\",\"provider\":\"aws\",\"region\":\""
        + region
        + "\",\"ipAccessList\":[{\"source\":\"127.0.0.1\"}]"
        + extra
        + "}";
  }

  private static String joining(String primaryId) {
    return ",\"dataWarehouseId\":\"" + primaryId + "\"";
  }

  private static void stop(String id) {
    chplane.api().patch(service(id) + "/state", "{\"command\":\"stop\"}");
    chplane.awaitState(id, "stopped");
  }

  private static void assertRefused(String body, String... words) {
    ApiClient.Response r = chplane.api().post(TestInstallation.services(), body);
    assertThat(r.status()).as(r.body().toString()).isEqualTo(400);
    assertThat(r.error()).contains("dataWarehouseId");
    for (String word : words) {
      assertThat(r.error()).contains(word);
    }
  }

  @Test
  void aSecondaryJoinsItsPrimarysWarehouseAndThePrimaryOutlivesIt() {
    JsonNode primary = chplane.create(body("wh primary", "us-east-1", "")).get("service");
    String primaryId = primary.get("id").asText();
    assertThat(primary.get("dataWarehouseId").asText()).isEqualTo(primaryId);
    assertThat(primary.get("isPrimary").asBoolean()).isTrue();

    JsonNode created =
        chplane.create(
            body("wh secondary", "us-east-1", joining(primaryId) + ",\"isReadonly\":true"));
    JsonNode secondary = created.get("service");
    String secondaryId = secondary.get("id").asText();
    assertThat(secondary.get("dataWarehouseId").asText()).isEqualTo(primaryId);
    assertThat(secondary.get("isPrimary").asBoolean()).isFalse();
    assertThat(secondary.get("isReadonly").asBoolean()).isTrue();
    assertThat(created.get("password").asText()).hasSizeGreaterThanOrEqualTo(16);
    assertThat(secondary.get("endpoints").toString())
        .isNotEqualTo(primary.get("endpoints").toString());
    JsonNode read = chplane.awaitState(secondaryId, "running");
    assertThat(read.get("dataWarehouseId").asText()).isEqualTo(primaryId);
    assertThat(read.get("isPrimary").asBoolean()).isFalse();

    assertRefused(body("wh other region", "eu-west-1", joining(primaryId)), "region");
    assertRefused(body("wh of secondary", "us-east-1", joining(secondaryId)), "secondary");
    assertRefused(body("wh unknown", "us-east-1", joining(UUID.randomUUID().toString())));
    assertRefused(body("wh not uuid", "us-east-1", ",\"dataWarehouseId\":\"dwh-1\""), "UUID");
    ApiClient.Response readonlyAlone =
        chplane
            .api()
            .post(TestInstallation.services(), body("wh ro", "us-east-1", ",\"isReadonly\":true"));
    assertThat(readonlyAlone.status()).isEqualTo(400);
    assertThat(readonlyAlone.error()).contains("isReadonly").contains("dataWarehouseId");

    chplane.awaitState(primaryId, "running");
    stop(primaryId);
    ApiClient.Response refused = chplane.api().delete(service(primaryId));
    assertThat(refused.status()).as(refused.body().toString()).isEqualTo(400);
    assertThat(refused.error()).contains(secondaryId).contains("wh secondary");
    assertThat(chplane.api().get(service(primaryId)).result().get("state").asText())
        .isEqualTo("stopped");

    stop(secondaryId);
    assertThat(chplane.api().delete(service(secondaryId)).status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> chplane.api().delete(service(primaryId)).status() == 200);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> chplane.api().get(service(primaryId)).status() == 404);
    assertThat(chplane.api().get(service(secondaryId)).status()).isEqualTo(404);
  }

  private static int https(JsonNode service) {
    for (JsonNode e : service.get("endpoints")) {
      if (e.get("protocol").asText().equals("https")) {
        return e.get("port").asInt();
      }
    }
    throw new AssertionError("no https endpoint in " + service);
  }

  private static String sql(int port, String password, String sql) throws Exception {
    ClickHouseClients.Answer a =
        ClickHouseClients.https(chplane.caCertificate(), port, password, sql);
    assertThat(a.ok()).as(sql + ": " + a.body()).isTrue();
    return a.body().strip();
  }

  @Test
  void aSecondaryReplicatesThePrimarysTablesThroughItsOwnEndpointAndMayBeReadOnly()
      throws Exception {
    JsonNode p = chplane.createRunning("wh data primary", "[{\"source\":\"127.0.0.1\"}]");
    String primaryId = p.at("/service/id").asText();
    int primaryPort = https(p.get("service"));
    String primaryPassword = p.get("password").asText();
    sql(
        primaryPort,
        primaryPassword,
        "CREATE TABLE events (id UInt64) ENGINE = ReplicatedMergeTree("
            + "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}') ORDER BY id");
    sql(primaryPort, primaryPassword, "INSERT INTO events SELECT number FROM numbers(1000)");

    JsonNode s =
        chplane.create(
            body("wh data secondary", "us-east-1", joining(primaryId) + ",\"isReadonly\":true"));
    String secondaryId = s.at("/service/id").asText();
    int secondaryPort = https(s.get("service"));
    String secondaryPassword = s.get("password").asText();
    assertThat(secondaryPort).isNotEqualTo(primaryPort);
    chplane.awaitState(secondaryId, "running");
    assertThat(sql(secondaryPort, secondaryPassword, "SELECT count(), sum(id) FROM events"))
        .isEqualTo("1000\t499500");
    assertThat(
            ClickHouseClients.https(
                    chplane.caCertificate(), secondaryPort, primaryPassword, "SELECT 1")
                .ok())
        .as("the secondary has its own password")
        .isFalse();

    sql(primaryPort, primaryPassword, "INSERT INTO events SELECT number + 1000 FROM numbers(500)");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> sql(secondaryPort, secondaryPassword, "SELECT count() FROM events"),
            "1500"::equals);

    ClickHouseClients.Answer refused =
        ClickHouseClients.https(
            chplane.caCertificate(),
            secondaryPort,
            secondaryPassword,
            "INSERT INTO events VALUES (1)");
    assertThat(refused.ok()).isFalse();
    assertThat(refused.body()).containsIgnoringCase("readonly");
    ApiClient.Response pipe =
        chplane
            .api()
            .post(
                service(secondaryId) + "/clickpipes",
                "{\"name\":\"into-readonly\",\"source\":{\"kafka\":{\"type\":\"kafka\","
                    + "\"format\":\"JSONEachRow\",\"topics\":\"events\",\"brokers\":\"127.0.0.1:9\","
                    + "\"authentication\":\"PLAIN\",\"credentials\":{\"username\":\"u\","
                    + "\"password\":\"p\"}}},\"destination\":{\"table\":\"events\","
                    + "\"columns\":[{\"name\":\"id\",\"type\":\"UInt64\"}]}}");
    assertThat(pipe.status()).as(pipe.body().toString()).isEqualTo(400);
    assertThat(pipe.error()).contains("destination").contains("isReadonly");
    assertThat(chplane.api().get(service(secondaryId) + "/clickpipes").result())
        .as("no pipe stored")
        .isEmpty();
    assertThat(sql(primaryPort, primaryPassword, "SELECT count() FROM events")).isEqualTo("1500");

    assertThat(
            sql(
                primaryPort,
                primaryPassword,
                "SELECT total_replicas FROM system.replicas WHERE table = 'events'"))
        .isEqualTo("2");
    ApiClient.Response blocked = chplane.api().delete(service(primaryId));
    assertThat(blocked.status()).isEqualTo(400);
    assertThat(blocked.error()).contains(secondaryId);
    stop(secondaryId);
    assertThat(chplane.api().delete(service(secondaryId)).status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> chplane.api().get(service(secondaryId)).status() == 404);
    assertThat(
            sql(
                primaryPort,
                primaryPassword,
                "SELECT total_replicas FROM system.replicas WHERE table = 'events'"))
        .as("the secondary's replica entry left the shared table path")
        .isEqualTo("1");
    sql(primaryPort, primaryPassword, "INSERT INTO events VALUES (9999)");
    assertThat(sql(primaryPort, primaryPassword, "SELECT count() FROM events")).isEqualTo("1501");
    stop(primaryId);
    assertThat(chplane.api().delete(service(primaryId)).status()).isEqualTo(200);
  }
}
