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
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** After a kill -9 of chplane, every service comes back in its true state with nothing orphaned. */
class RestartIT {
  private Path dataDir;
  private ChplaneProcess chplane;

  @BeforeEach
  void start() throws IOException {
    dataDir = Files.createTempDirectory("chplane-restart-");
    chplane = new ChplaneProcess(dataDir).start();
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
    ApiClient.Response r = chplane.api().post(services(), "{\"name\":\"" + name
        + "\",\"provider\":\"gcp\",\"region\":\"europe-west4\",\"ipAccessList\":[{\"source\":\"127.0.0.1\",\"description\":\"\"}]}");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    return r.result().at("/service/id").asText();
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
    assertThat(ClickHouseProcesses.under(serviceDir(running))).as("servers outlive chplane").hasSize(1);
    chplane.start();

    JsonNode after = awaitState(running, "running");
    assertThat(ClickHouseProcesses.under(serviceDir(running))).extracting(ProcessHandle::pid).containsExactly(pid);
    assertThat(after.get("endpoints")).isEqualTo(before.get("endpoints"));
    assertThat(chplane.api().get(service(stopped)).result().get("state").asText()).isEqualTo("stopped");
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
  void filesAndServersWithoutMetadataAreRemovedAtStart() throws IOException {
    String id = create("orphan source");
    awaitState(id, "running");
    chplane.kill9();
    Path orphan = dataDir.resolve("services").resolve(UUID.randomUUID().toString());
    Files.move(serviceDir(id), orphan);
    ClickHouseProcesses.killAll(dataDir);
    Files.createDirectories(orphan.resolve("data"));

    chplane.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(orphan));
    // the service whose files were taken away is started again from its metadata, on the same ports
    awaitState(id, "running");
  }
}
