package dev.chplane.it;

import static dev.chplane.it.TestInstallation.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connections that hold an endpoint without using it (from 127.0.0.2, which the service admits)
 * take neither the service from its other clients nor chplane's own access (backups, readiness)
 * away. An hour of the backup schedule lasts half a second here.
 */
@RunsAlone
class IdleConnectionsIT {
  private static final int HELD = 1_100;
  private static TestInstallation chplane;

  @BeforeAll
  static void start() throws Exception {
    // the held sockets and the edge's sockets for them all live in this JVM
    assertThat(openFilesLimit())
        .as("open files limit of the test JVM")
        .isGreaterThan(4L * HELD + 1024);
    chplane = new TestInstallation(null, null, Duration.ofMillis(500));
  }

  @AfterAll
  static void stop() {
    chplane.close();
  }

  @Test
  void silentConnectionsLockOutNeitherOtherClientsNorBackups() throws Exception {
    Service s = Service.create("silently held");
    try (HeldConnections held = new HeldConnections("127.0.0.2", s.https, HELD, new byte[0])) {
      // opened all at once; what could not be opened (e.g. a busy machine) is opened again soon
      await("all " + HELD + " opened")
          .atMost(Duration.ofSeconds(30))
          .until(() -> held.opened() >= HELD);
      s.answersWithin5Seconds();
      s.backsUp();
      assertThat(held.closedByPeer()).as("silent connections closed by the edge").isPositive();
      s.answersWithin5Seconds();
      assertThat(chplane.api().get(service(s.id)).result().get("state").asText())
          .isEqualTo("running");
    }
  }

  @Test
  void connectionsThatStallAfterTheirFirstByteLeaveChplaneItsShareOfTheServer() throws Exception {
    Service s = Service.create("stalled");
    // the first byte of a TLS record, and then nothing: the server waits for the rest of the
    // handshake
    try (HeldConnections held =
        new HeldConnections("127.0.0.2", s.https, HELD, new byte[] {0x16})) {
      await("all " + HELD + " opened")
          .atMost(Duration.ofSeconds(30))
          .until(() -> held.opened() >= HELD);
      s.backsUp();
      assertThat(chplane.api().get(service(s.id)).result().get("state").asText())
          .isEqualTo("running");
    }
    s.answersWithin5Seconds();
  }

  /** A running service that admits every address, with some data. */
  private record Service(String id, int https, String password) {
    static Service create(String name) throws Exception {
      JsonNode created =
          chplane.createRunning(name, "[{\"source\":\"0.0.0.0/0\",\"description\":\"anywhere\"}]");
      int https = 0;
      for (JsonNode e : created.at("/service/endpoints")) {
        if (e.get("protocol").asText().equals("https")) {
          https = e.get("port").asInt();
        }
      }
      Service s =
          new Service(created.at("/service/id").asText(), https, created.get("password").asText());
      ServiceData data =
          new ServiceData(chplane.caCertificate(), created.get("service"), s.password);
      data.sql("CREATE TABLE default.kept (n UInt64) ENGINE = MergeTree ORDER BY n");
      data.sql("INSERT INTO default.kept SELECT number FROM numbers(1000)");
      return s;
    }

    void answersWithin5Seconds() throws Exception {
      long start = System.nanoTime();
      ClickHouseClients.Answer answer =
          ClickHouseClients.https(
              chplane.caCertificate(),
              https,
              "127.0.0.1",
              "default",
              password,
              "SELECT count() FROM default.kept");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(answer.ok()).as(answer.body()).isTrue();
      assertThat(answer.body().strip()).isEqualTo("1000");
      assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    /** Asks for a backup every 3 s and waits for the next one to finish; it must succeed. */
    void backsUp() {
      int known = chplane.api().get(service(id) + "/backups").result().size();
      chplane.api().patch(service(id) + "/backupConfiguration", "{\"backupPeriodInHours\":6}");
      JsonNode[] found = new JsonNode[1];
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                JsonNode list = chplane.api().get(service(id) + "/backups").result();
                if (list.size() <= known) {
                  return false;
                }
                found[0] = list.get(0);
                return !found[0].get("status").asText().equals("in_progress");
              });
      assertThat(found[0].get("status").asText()).as(found[0].toString()).isEqualTo("done");
    }
  }

  private static long openFilesLimit() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        return Long.parseLong(line.split("\\s+")[3]);
      }
    }
    throw new AssertionError("no open files limit in /proc/self/limits");
  }
}
