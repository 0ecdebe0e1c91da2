package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static dev.chplane.it.TestInstallation.services;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** After a kill -9 of chplane, every service comes back in its true state with nothing orphaned. */
class RestartIT {
  /** A minute of idleTimeoutMinutes lasts a second: services with idle scaling idle after 5 s. */
  private static final String IDLE_MINUTE_SECONDS = "1";

  private Path dataDir;
  private ChplaneProcess chplane;

  @BeforeEach
  void start() throws IOException {
    dataDir = Files.createTempDirectory("chplane-restart-");
    chplane = new ChplaneProcess(dataDir, "--idle-minute-seconds", IDLE_MINUTE_SECONDS).start();
  }

  @AfterEach
  void stop() {
    chplane.close();
    ClickHouseProcesses.killAll(dataDir);
    TestInstallation.deleteTree(dataDir);
  }

  private JsonNode awaitState(String id, String state) {
    return chplane.awaitState(id, state);
  }

  private String create(String name) {
    return create(name, false).at("/service/id").asText();
  }

  /** Creates a service and returns the create result ({service, password}). */
  private JsonNode create(String name, boolean idleScaling) {
    ApiClient.Response r =
        chplane
            .api()
            .post(
                services(),
                "{\"name\":\""
                    + name
                    + "\",\"provider\":\"gcp\",\"region\":\"europe-west4\",\"idleScaling\":"
                    + idleScaling
                    + ",\"idleTimeoutMinutes\":5,\"ipAccessList\":[{\"source\":\"127.0.0.1\",\"description\":\"\"}]}");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    return r.result();
  }

  private record Sleeper(String id, ServiceData data) {}

  /** An idle-scaling service, running, with a table of 1000 rows written through its endpoint. */
  private Sleeper createWithData(String name) throws Exception {
    JsonNode created = create(name, true);
    String id = created.at("/service/id").asText();
    ServiceData data =
        new ServiceData(
            dataDir.resolve("tls/ca.pem"),
            awaitState(id, "running"),
            created.get("password").asText());
    data.sql("CREATE TABLE default.kept (n UInt64) ENGINE = MergeTree ORDER BY n");
    data.sql("INSERT INTO default.kept SELECT number FROM numbers(1000)");
    assertThat(data.checksums().get("default.kept")).startsWith("1000\t");
    return new Sleeper(id, data);
  }

  private Path serviceDir(String id) {
    return dataDir.resolve("services").resolve(UUID.fromString(id).toString());
  }

  @Test
  void runningServicesAreAdoptedAndStoppedOnesStayStoppedAfterKill9() {
    String running = create("survivor");
    String stopped = create("sleeper");
    awaitState(running, "running");
    awaitState(stopped, "running");
    chplane.api().patch(service(stopped) + "/state", "{\"command\":\"stop\"}");
    awaitState(stopped, "stopped");
    long pid = ClickHouseProcesses.under(serviceDir(running)).get(0).pid();
    JsonNode before = chplane.api().get(service(running)).result();

    chplane.kill9();
    assertThat(ClickHouseProcesses.under(serviceDir(running)))
        .as("servers outlive chplane")
        .hasSize(1);
    chplane.start();

    JsonNode after = awaitState(running, "running");
    assertThat(ClickHouseProcesses.under(serviceDir(running)))
        .extracting(ProcessHandle::pid)
        .containsExactly(pid);
    assertThat(after.get("endpoints")).isEqualTo(before.get("endpoints"));
    assertThat(chplane.api().get(service(stopped)).result().get("state").asText())
        .isEqualTo("stopped");
    assertThat(ClickHouseProcesses.under(serviceDir(stopped))).isEmpty();
  }

  @Test
  void killDuringStopAndStartConvergesWithoutOrphans() {
    String id = create("interrupted");
    awaitState(id, "running");
    chplane.api().patch(service(id) + "/state", "{\"command\":\"stop\"}");
    chplane.kill9();
    chplane.start();
    awaitState(id, "stopped");
    assertThat(ClickHouseProcesses.under(serviceDir(id))).isEmpty();

    chplane.api().patch(service(id) + "/state", "{\"command\":\"start\"}");
    chplane.kill9();
    chplane.start();
    awaitState(id, "running");
    assertThat(ClickHouseProcesses.under(serviceDir(id))).hasSize(1);
  }

  @Test
  void filesWithoutMetadataAreLeftAloneAndAServiceWhoseFilesAreGoneIsNotMadeAgainEmpty()
      throws IOException {
    String id = create("orphan source");
    awaitState(id, "running");
    chplane.kill9();
    ClickHouseProcesses.killAll(dataDir);
    Path orphan = dataDir.resolve("services").resolve(UUID.randomUUID().toString());
    Files.move(serviceDir(id), orphan);

    ChplaneProcess.Finished refused = chplane.run("serve", "--api-port", "0");
    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(2);
    assertThat(refused.output())
        .contains("whose files are missing", id, "--accept-missing-service-files")
        .doesNotContain("\tat ");

    chplane =
        new ChplaneProcess(
                dataDir,
                "--idle-minute-seconds",
                IDLE_MINUTE_SECONDS,
                "--accept-missing-service-files")
            .start();
    // the service whose files were taken away fails instead of starting again empty
    awaitState(id, "failed");
    chplane.api().patch(service(id) + "/state", "{\"command\":\"start\"}");
    awaitState(id, "failed");
    assertThat(serviceDir(id)).doesNotExist();
    // and the directory no service knows is neither deleted nor started
    assertThat(orphan.resolve("config.xml")).exists();
    assertThat(ClickHouseProcesses.under(orphan)).isEmpty();
    assertThat(Files.readString(dataDir.resolve("chplane-console.log")))
        .contains("left alone", orphan.getFileName().toString());
  }

  /**
   * A wake from idle, and one while the service is still going idle (stopping): then the old server
   * may still be shutting down when chplane is back, and must be replaced, not adopted.
   */
  @ParameterizedTest
  @ValueSource(strings = {"idle", "stopping"})
  void killDuringAwakingConvergesToRunningWithItsData(String wokenFrom) throws Exception {
    Sleeper napper = createWithData("napper");
    String id = napper.id();
    Map<String, String> before = napper.data().checksums();
    if (wokenFrom.equals("idle")) {
      awaitState(id, "idle");
    } else {
      awaitGoingIdle(id);
    }

    JsonNode awaking =
        chplane.api().patch(service(id) + "/state", "{\"command\":\"awake\"}").result();
    // the wake is stored before the server starts, so the kill lands while the stored state is
    // awaking
    chplane.kill9();
    assertThat(awaking.get("state").asText()).isEqualTo("awaking");
    chplane.start();

    awaitState(id, "running");
    assertThat(ClickHouseProcesses.under(serviceDir(id))).hasSize(1);
    assertThat(napper.data().checksums()).isEqualTo(before);
  }

  /**
   * Waits until idle scaling is stopping the service's server: stopping, with running still wanted.
   */
  private void awaitGoingIdle(String id) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> chplane.api().get(service(id)).result().get("state").asText().equals("stopping"));
  }

  @Test
  void killWhileGoingIdleLeavesItIdleWithoutAServer() throws Exception {
    Sleeper dozer = createWithData("dozer");
    String id = dozer.id();
    Map<String, String> before = dozer.data().checksums();
    awaitGoingIdle(id);
    chplane.kill9();
    chplane.start();

    awaitState(id, "idle");
    assertThat(ClickHouseProcesses.under(serviceDir(id))).isEmpty();
    // a query through the endpoint wakes it
    assertThat(dozer.data().checksums()).isEqualTo(before);
    assertThat(chplane.api().get(service(id)).result().get("state").asText()).isEqualTo("running");
    assertThat(ClickHouseProcesses.under(serviceDir(id))).hasSize(1);
  }
}
