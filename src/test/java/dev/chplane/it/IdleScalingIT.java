package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Idle services stop their server and wake on a client connection or the awake command. */
class IdleScalingIT {
  private static TestInstallation chplane;

  @BeforeAll
  static void start() {
    // a minute of idleTimeoutMinutes lasts 200 ms here: the 5-minute minimum is one second
    TestInstallation.IDLE_MINUTE.set(Duration.ofMillis(200));
    try {
      chplane = new TestInstallation();
    } finally {
      TestInstallation.IDLE_MINUTE.remove();
    }
  }

  @AfterAll
  static void stop() {
    chplane.close();
  }

  private static String activities() {
    return chplane
        .api()
        .get("/v1/organizations/" + TestInstallation.ORG + "/activities")
        .result()
        .toString();
  }

  @Test
  void anIdleServiceWakesForAClientConnectionAndForTheAwakeCommand() throws Exception {
    JsonNode created =
        chplane.create(
            "{\"name\":\"sleepy\",\"provider\":\"aws\",\"region\":\"us-east-1\","
                + "\"idleScaling\":true,\"idleTimeoutMinutes\":5,\"ipAccessList\":[{\"source\":\"127.0.0.1\",\"description\":\"\"}]}");
    String id = created.at("/service/id").asText();
    String password = created.get("password").asText();
    int nativePort = created.at("/service/endpoints/0/port").asInt();
    assertThat(created.at("/service/currentScaling/effectiveIdleScaling").asBoolean()).isTrue();

    chplane.awaitState(id, "idle");
    // idle is written only once the server has exited
    assertThat(ClickHouseProcesses.under(chplane.serviceDir(id))).isEmpty();
    assertThat(activities()).contains("service_idle");
    ApiClient.Response pipe =
        chplane
            .api()
            .post(
                service(id) + "/clickpipes",
                "{\"name\":\"x\",\"source\":{\"kafka\":"
                    + "{\"brokers\":\"127.0.0.1:9\",\"topics\":\"t\"}},\"destination\":{\"table\":\"t\"}}");
    assertThat(pipe.status()).isEqualTo(424);
    assertThat(pipe.error()).contains("Current state: idle");

    long started = System.nanoTime();
    ClickHouseClients.Answer woken =
        ClickHouseClients.nativeSecure(chplane.caCertificate(), nativePort, password, "SELECT 42");
    long wakeMillis = (System.nanoTime() - started) / 1_000_000;
    System.out.println(
        "IdleScalingIT: connection to an idle service answered after " + wakeMillis + " ms");
    assertThat(woken.ok()).as(woken.body()).isTrue();
    assertThat(woken.body()).isEqualTo("42");
    assertThat(chplane.api().get(service(id)).result().get("state").asText()).isEqualTo("running");
    assertThat(activities()).contains("service_awaken");

    chplane.awaitState(id, "idle");
    String keyId =
        chplane
            .api()
            .get("/v1/organizations/" + TestInstallation.ORG + "/keys")
            .result()
            .get(0)
            .get("id")
            .asText();
    chplane
        .api()
        .send(
            "POST",
            service(id) + "/serviceQueryEndpoint",
            "{\"roles\":[\"sql_console_read_only\"],"
                + "\"openApiKeys\":[\""
                + keyId
                + "\"],\"allowedOrigins\":\"\"}");
    ApiClient.Response viaQueryApi =
        chplane
            .api()
            .send(
                "POST",
                "/service/" + id + "/run?format=JSONEachRow",
                "{\"sql\":\"SELECT 7 AS seven\"}");
    assertThat(viaQueryApi.status()).as(viaQueryApi.body().toString()).isEqualTo(200);
    assertThat(viaQueryApi.body().get("seven").asInt()).isEqualTo(7);
    assertThat(chplane.api().get(service(id)).result().get("state").asText()).isEqualTo("running");

    chplane.awaitState(id, "idle");
    JsonNode awake =
        chplane.api().patch(service(id) + "/state", "{\"command\":\"awake\"}").result();
    assertThat(awake.get("state").asText()).isIn("awaking", "running");
    chplane.awaitState(id, "running");
    assertThat(ClickHouseProcesses.under(chplane.serviceDir(id))).hasSize(1);
  }

  @Test
  void aConnectionWhileTheServiceGoesIdleWakesIt() throws Exception {
    JsonNode created =
        chplane.create(
            "{\"name\":\"drowsy\",\"provider\":\"aws\",\"region\":\"us-east-1\","
                + "\"idleScaling\":true,\"idleTimeoutMinutes\":5,\"ipAccessList\":[{\"source\":\"127.0.0.1\",\"description\":\"\"}]}");
    String id = created.at("/service/id").asText();
    chplane.awaitState(id, "running");
    // stopping with the service still wanted running: idle scaling is stopping its server
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> chplane.api().get(service(id)).result().get("state").asText().equals("stopping"));

    ClickHouseClients.Answer woken =
        ClickHouseClients.nativeSecure(
            chplane.caCertificate(),
            created.at("/service/endpoints/0/port").asInt(),
            created.get("password").asText(),
            "SELECT 42");
    assertThat(woken.ok()).as(woken.body()).isTrue();
    assertThat(woken.body()).isEqualTo("42");
    assertThat(chplane.api().get(service(id)).result().get("state").asText()).isEqualTo("running");
    assertThat(ClickHouseProcesses.under(chplane.serviceDir(id))).hasSize(1);
  }

  @Test
  void aServiceWithoutIdleScalingStaysRunning() {
    String id =
        chplane
            .create(
                "{\"name\":\"awake\",\"provider\":\"aws\",\"region\":\"us-east-1\",\"idleScaling\":false,"
                    + "\"idleTimeoutMinutes\":5,\"ipAccessList\":[]}")
            .at("/service/id")
            .asText();
    chplane.awaitState(id, "running");
    String sleepy =
        chplane
            .create(
                "{\"name\":\"control\",\"provider\":\"aws\",\"region\":\"us-east-1\",\"idleScaling\":true,"
                    + "\"idleTimeoutMinutes\":5,\"ipAccessList\":[]}")
            .at("/service/id")
            .asText();
    chplane.awaitState(sleepy, "idle");
    assertThat(chplane.api().get(service(id)).result().get("state").asText()).isEqualTo("running");
  }
}
