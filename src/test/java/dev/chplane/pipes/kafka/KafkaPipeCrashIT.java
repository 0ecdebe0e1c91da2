package dev.chplane.pipes.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chplane.it.ApiClient;
import dev.chplane.it.ChplaneProcess;
import dev.chplane.it.ClickHouseClients;
import dev.chplane.it.ClickHouseProcesses;
import dev.chplane.it.TestInstallation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A kill -9 of chplane while a pipe is mid-stream loses nothing: the pipe resumes from its
 * committed offsets.
 */
class KafkaPipeCrashIT {
  private static final int MESSAGES = 300_000;
  private KafkaBroker kafka;
  private Path dataDir;
  private ChplaneProcess chplane;
  private int https;
  private String password;

  @BeforeEach
  void start() throws Exception {
    kafka = new KafkaBroker();
    dataDir = Files.createTempDirectory("chplane-pipe-crash-");
    chplane = new ChplaneProcess(dataDir).start();
  }

  @AfterEach
  void stop() {
    chplane.close();
    ClickHouseProcesses.killAll(dataDir);
    TestInstallation.deleteTree(dataDir);
    kafka.close();
  }

  private long count(String sql) throws Exception {
    ClickHouseClients.Answer a =
        ClickHouseClients.https(dataDir.resolve("tls/ca.pem"), https, password, sql);
    return a.ok() ? Long.parseLong(a.body().strip()) : -1;
  }

  @Test
  void killMidStreamThenRestartDeliversEveryMessage() throws Exception {
    kafka.createTopic("stream", 3);
    List<String> messages =
        IntStream.range(0, MESSAGES)
            .mapToObj(i -> "{\"id\":" + i + ",\"v\":\"value-" + i + "\"}")
            .collect(Collectors.toList());
    kafka.produce("stream", messages);
    ApiClient.Response created =
        chplane
            .api()
            .post(
                TestInstallation.services(),
                "{\"name\":\"stream\",\"provider\":\"aws\","
                    + "\"region\":\"us-east-1\",\"ipAccessList\":[{\"source\":\"127.0.0.1\",\"description\":\"\"}]}");
    String service = created.result().at("/service/id").asText();
    password = created.result().get("password").asText();
    https = created.result().at("/service/endpoints/1/port").asInt();
    int publicHttps = https;
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                chplane
                    .api()
                    .get(TestInstallation.service(service))
                    .result()
                    .get("state")
                    .asText()
                    .equals("running"));
    String pipes = TestInstallation.service(service) + "/clickpipes";
    ApiClient.Response pipe =
        chplane
            .api()
            .post(
                pipes,
                "{\"name\":\"crash\",\"source\":{\"kafka\":{\"type\":\"kafka\","
                    + "\"brokers\":\""
                    + kafka.bootstrap(KafkaBroker.Listener.PLAINTEXT)
                    + "\",\"topics\":\"stream\"}},"
                    + "\"destination\":{\"table\":\"stream\",\"managedTable\":true,\"tableDefinition\":{\"engine\":{\"type\":\"MergeTree\"},"
                    + "\"sortingKey\":[\"id\"]},\"columns\":[{\"name\":\"id\",\"type\":\"UInt64\"},{\"name\":\"v\",\"type\":\"String\"}]},"
                    + "\"settings\":{\"streaming_max_insert_wait_ms\":500}}");
    assertThat(pipe.status()).as(pipe.body().toString()).isEqualTo(200);

    long[] atKill = new long[1];
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              atKill[0] = count("SELECT count() FROM default.stream");
              return atKill[0] >= MESSAGES / 10;
            });
    chplane.kill9();
    // the edge died with chplane; count on the server's own port, which it keeps serving
    https = TestInstallation.internalHttpsPort(dataDir.resolve("services").resolve(service));
    long arrived = count("SELECT count() FROM default.stream");
    System.out.println(
        "KafkaPipeCrashIT: " + arrived + " of " + MESSAGES + " rows had arrived at the kill");
    assertThat(arrived)
        .as("killed mid-stream")
        .isBetween((long) MESSAGES / 10, (long) MESSAGES * 9 / 10);

    chplane.start();
    https = publicHttps;
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> count("SELECT uniqExact(id) FROM default.stream") == MESSAGES);
    long duplicates = count("SELECT count() FROM default.stream") - MESSAGES;
    System.out.println(
        "KafkaPipeCrashIT: all "
            + MESSAGES
            + " ids present after the restart; duplicates: "
            + duplicates);
    JsonNode after = chplane.api().get(pipes + "/" + pipe.result().get("id").asText()).result();
    assertThat(after.get("state").asText()).isEqualTo("Running");
  }
}
