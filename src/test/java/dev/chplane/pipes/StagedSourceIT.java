package dev.chplane.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.KafkaCredentials;
import dev.chplane.domain.KafkaSource;
import dev.chplane.domain.Organization;
import dev.chplane.domain.PipeSpec;
import dev.chplane.domain.PipeState;
import dev.chplane.it.ClickHouseClients;
import dev.chplane.it.TestInstallation;
import dev.chplane.provision.ProvisionException;
import dev.chplane.store.EmbeddedStore;
import dev.chplane.store.MetadataStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The source SPI with a second, test-only source ({@link StagedShelfTask}): its position is in
 * chplane's store and it commits in stages through a staging table, against a real server of a
 * service that chplane runs. A crash at each step of its protocol, then a restart of the pipe's
 * workers on the same store, leaves every row in the destination exactly once.
 */
class StagedSourceIT {
  private static final int FILES = 10;
  private static final int LINES = 40;
  private static final UUID ORG = UUID.fromString("6f4c1c52-0000-4000-8000-0000000000c1");
  private static TestInstallation chplane;
  private static PipeServer server;
  private static Path metaDir;
  private static MetadataStore store;
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    chplane = new TestInstallation();
    JsonNode created =
        chplane.createRunning("staged", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
    server =
        new HttpsServer(
            chplane.caCertificate(),
            created.at("/service/endpoints/1/port").asInt(),
            created.get("password").asText());
    server.query("CREATE DATABASE IF NOT EXISTS staged");
    metaDir = Files.createTempDirectory("chplane-staged-meta-");
    store = EmbeddedStore.open(metaDir);
    store.insertOrganization(new Organization(ORG, "staged", Instant.now(), false));
  }

  @AfterAll
  static void stop() {
    if (store != null) {
      store.close();
    }
    if (chplane != null) {
      chplane.close();
    }
    if (metaDir != null) {
      TestInstallation.deleteTree(metaDir);
    }
  }

  @ParameterizedTest
  @EnumSource(CrashPlan.Step.class)
  void aCrashAtAnyStepOfAStageThenARestartDeliversEveryRowExactlyOnce(CrashPlan.Step step)
      throws Exception {
    ClickPipe pipe = pipe("events_" + step.name().toLowerCase(java.util.Locale.ROOT));
    Shelf shelf = new Shelf();
    addFiles(shelf, 0, FILES / 2);

    PipeRunner first = runner(pipe, shelf, new CrashPlan(step, 1));
    await().atMost(Duration.ofSeconds(60)).until(() -> first.failure() != null);
    assertThat(first.failure()).contains("simulated crash after " + step);
    first.stop();

    PipeRunner second = runner(pipe, shelf, CrashPlan.NEVER);
    try {
      addFiles(shelf, FILES / 2, FILES);
      awaitEverything(pipe);
      assertThat(second.failure()).isNull();
    } finally {
      second.stop();
    }
    assertExactlyOnce(pipe);
  }

  @Test
  void stoppingAndStartingWhileFilesArriveDeliversEveryRowExactlyOnce() throws Exception {
    ClickPipe pipe = pipe("events_restarted");
    Shelf shelf = new Shelf();
    PipeRunner first = runner(pipe, shelf, CrashPlan.NEVER);
    addFiles(shelf, 0, FILES / 2);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> store.pipePositions(pipe.id()).containsKey(StagedShelfTask.FILE));
    first.stop();
    PipeRunner second = runner(pipe, shelf, CrashPlan.NEVER);
    try {
      addFiles(shelf, FILES / 2, FILES);
      awaitEverything(pipe);
    } finally {
      second.stop();
    }
    assertExactlyOnce(pipe);
  }

  private void awaitEverything(ClickPipe pipe) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                store
                    .pipePositions(pipe.id())
                    .equals(Map.of(StagedShelfTask.FILE, file(FILES - 1))));
  }

  private void assertExactlyOnce(ClickPipe pipe) throws Exception {
    String table = "staged." + pipe.spec().destination().table();
    assertThat(
            server
                .query(
                    "SELECT count(), uniqExact(id), min(id), max(id) FROM "
                        + table
                        + " FORMAT TabSeparated")
                .strip())
        .isEqualTo((FILES * LINES) + "\t" + (FILES * LINES) + "\t0\t" + (FILES * LINES - 1));
  }

  private PipeRunner runner(ClickPipe pipe, Shelf shelf, CrashPlan crash) {
    PipeRunner runner = new PipeRunner(pipe, server, Duration.ofSeconds(30), new PipeStats());
    SourceContext context =
        new SourceContext(pipe, KafkaCredentials.NONE, new PipePositions(store, pipe.id()), server);
    runner.start(new StagedShelfDriver(shelf, crash).tasks(context), json);
    return runner;
  }

  /**
   * A pipe into a fresh table of four partitions; its source is a placeholder (the domain's source
   * type is sealed).
   */
  private static ClickPipe pipe(String table) throws ProvisionException {
    server.query(
        "CREATE TABLE staged."
            + table
            + " (id UInt64, message String) ENGINE = MergeTree"
            + " PARTITION BY id % 4 ORDER BY id");
    PipeSpec spec =
        new PipeSpec(
            "staged-" + table,
            new KafkaSource(
                "kafka", "JSONEachRow", "127.0.0.1:9", "unused", null, null, null, null, null),
            new PipeSpec.Destination(
                "staged",
                table,
                false,
                null,
                List.of(
                    new PipeSpec.Column("id", "UInt64"), new PipeSpec.Column("message", "String"))),
            List.of(),
            new PipeSpec.PipeScaling(1, 125, 0.5),
            Map.of("streaming_max_insert_wait_ms", 100));
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    ClickPipe pipe =
        new ClickPipe(
            UUID.randomUUID(),
            ORG,
            UUID.randomUUID(),
            spec,
            null,
            PipeState.RUNNING,
            DesiredState.RUNNING,
            null,
            now,
            now,
            0);
    store.inTransaction(
        tx -> {
          tx.insertPipe(pipe);
          return null;
        });
    return pipe;
  }

  private static void addFiles(Shelf shelf, int from, int to) {
    for (int f = from; f < to; f++) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < LINES; i++) {
        int id = f * LINES + i;
        lines.add("{\"id\":" + id + ",\"message\":\"line " + i + " of " + file(f) + "\"}");
      }
      shelf.put(file(f), lines);
    }
  }

  private static String file(int f) {
    return String.format(java.util.Locale.ROOT, "file-%02d.json", f);
  }

  /** The service's server through its public HTTPS endpoint, as the default user. */
  private record HttpsServer(Path ca, int port, String password) implements PipeServer {
    @Override
    public String query(String sql) throws ProvisionException {
      return post(sql);
    }

    @Override
    public void insert(String insertQuery, Map<String, String> settings, byte[] body)
        throws ProvisionException {
      post(insertQuery + "\n" + new String(body, StandardCharsets.UTF_8));
    }

    private String post(String body) throws ProvisionException {
      ClickHouseClients.Answer a;
      try {
        a = ClickHouseClients.https(ca, port, password, body);
      } catch (Exception e) {
        throw new ProvisionException("cannot reach the server: " + e, e);
      }
      if (!a.ok()) {
        throw new ProvisionException("HTTP " + a.status() + ": " + a.body());
      }
      return a.body();
    }
  }
}
