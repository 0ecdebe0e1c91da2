package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults of a service's server show in GET: one killed with SIGKILL within a second, not at the
 * next periodic pass (made 30 s long here so that only a prompt reaction can pass), and comes back
 * with its data; one that stops answering (SIGSTOP) is degraded until it answers again.
 */
class ServerFaultsIT {
  private static TestInstallation chplane;

  @BeforeAll
  static void start() {
    TestInstallation.RECONCILE_INTERVAL.set(Duration.ofSeconds(30));
    try {
      chplane = new TestInstallation();
    } finally {
      TestInstallation.RECONCILE_INTERVAL.remove();
    }
  }

  @AfterAll
  static void stop() {
    chplane.close();
  }

  @Test
  void aKilledServerLeavesRunningWithinASecondAndComesBackWithItsData() throws Exception {
    JsonNode created =
        chplane.createRunning("killed", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
    String id = created.at("/service/id").asText();
    ServiceData data =
        new ServiceData(
            chplane.caCertificate(), created.get("service"), created.get("password").asText());
    data.sql("CREATE TABLE default.kept (n UInt64) ENGINE = MergeTree ORDER BY n");
    data.sql("INSERT INTO default.kept SELECT number FROM numbers(4321)");
    List<ProcessHandle> servers = ClickHouseProcesses.under(chplane.serviceDir(id));
    assertThat(servers).hasSize(1);

    signal("KILL", servers.get(0).pid());
    await()
        .atMost(Duration.ofSeconds(1))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> !chplane.api().get(service(id)).result().get("state").asText().equals("running"));

    chplane.awaitState(id, "running");
    assertThat(data.sql("SELECT count() FROM default.kept").strip()).isEqualTo("4321");
    assertThat(
            chplane
                .api()
                .get("/v1/organizations/" + TestInstallation.ORG + "/activities")
                .result()
                .toString())
        .contains("clickhouse-server had exited unexpectedly: restarting it");
  }

  @Test
  void aServerThatStopsAnsweringIsDegradedUntilItAnswersAgain() throws Exception {
    JsonNode created =
        chplane.createRunning("frozen", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
    String id = created.at("/service/id").asText();
    ServiceData data =
        new ServiceData(
            chplane.caCertificate(), created.get("service"), created.get("password").asText());
    long pid = ClickHouseProcesses.under(chplane.serviceDir(id)).get(0).pid();

    signal("STOP", pid);
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  chplane.api().get(service(id)).result().get("state").asText().equals("degraded"));
    } finally {
      signal("CONT", pid);
    }
    chplane.awaitState(id, "running");
    assertThat(ClickHouseProcesses.under(chplane.serviceDir(id)))
        .extracting(ProcessHandle::pid)
        .as("the server was left to recover, not restarted")
        .containsExactly(pid);
    assertThat(data.sql("SELECT 1").strip()).isEqualTo("1");
  }

  private static void signal(String name, long pid) throws Exception {
    assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor())
        .isZero();
  }
}
