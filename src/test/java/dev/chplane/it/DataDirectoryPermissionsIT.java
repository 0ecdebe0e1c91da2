package dev.chplane.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chplane.pipes.kafka.KafkaBroker;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * After a full run of chplane under umask 000 (the worst case: every file anyone creates would be
 * readable and writable by all) — services, a ClickPipe with SASL credentials from a real Kafka
 * broker, a backup and its restore into a new service — no file or directory under the data
 * directory has a group or world permission bit: not the metadata store ({@code meta/}), not {@code
 * secrets/}, {@code tls/}, {@code bootstrap-key.txt}, not the services' {@code config.xml}, {@code
 * users.xml}, logs and ClickHouse data, not {@code backups/}. The whole tree is checked; the one
 * exception is {@code chplane-console.log}, which this test's harness writes there (it is chplane's
 * stdout, not a file chplane makes). Symbolic links are not checked (their own mode means nothing).
 * The bootstrap secret given in the environment is printed nowhere.
 */
class DataDirectoryPermissionsIT {
  private static final Set<PosixFilePermission> OTHERS =
      Set.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private static Path root;
  private static Path dataDir;
  private static KafkaBroker kafka;
  private static ChplaneProcess chplane;

  @BeforeAll
  static void start() throws IOException {
    root = Files.createTempDirectory("chplane-permissions-");
    // made by the harness with the test JVM's umask (usually 0755): chplane must close it itself
    dataDir = root.resolve("data");
    kafka = new KafkaBroker();
    chplane = new ChplaneProcess(dataDir, "--backup-hour-seconds", "1").umask("000").start();
  }

  @AfterAll
  static void stop() {
    if (chplane != null) {
      chplane.close();
    }
    ClickHouseProcesses.killAll(dataDir);
    TestInstallation.deleteTree(root);
    if (kafka != null) {
      kafka.close();
    }
  }

  private static JsonNode createRunning(String body) {
    ApiClient.Response r = chplane.api().post(TestInstallation.services(), body);
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    chplane.awaitState(r.result().at("/service/id").asText(), "running");
    return r.result();
  }

  @Test
  void nothingUnderTheDataDirectoryIsOpenToOtherUsersAfterAFullRun() throws Exception {
    JsonNode created =
        createRunning(
            "{\"name\":\"kept\",\"provider\":\"aws\",\"region\":\"us-east-1\","
                + "\"ipAccessList\":[{\"source\":\"127.0.0.1\"}]}");
    String id = created.at("/service/id").asText();
    ServiceData data =
        new ServiceData(
            dataDir.resolve("tls/ca.pem"),
            created.get("service"),
            created.get("password").asText());
    data.sql("CREATE TABLE default.events (id UInt64) ENGINE = MergeTree ORDER BY id");

    kafka.createTopic("events", 1);
    kafka.produce("events", IntStream.range(0, 10).mapToObj(i -> "{\"id\":" + i + "}").toList());
    ApiClient.Response pipe =
        chplane
            .api()
            .post(
                TestInstallation.service(id) + "/clickpipes",
                "{\"name\":\"events\",\"source\":{\"kafka\":{\"type\":\"kafka\",\"format\":\"JSONEachRow\",\"topics\":\"events\","
                    + "\"brokers\":\""
                    + kafka.bootstrap(KafkaBroker.Listener.SASL_PLAINTEXT)
                    + "\",\"authentication\":\"PLAIN\","
                    + "\"credentials\":{\"username\":\""
                    + KafkaBroker.PLAIN_USER
                    + "\",\"password\":\""
                    + KafkaBroker.PLAIN_PASSWORD
                    + "\"},\"offset\":{\"strategy\":\"from_beginning\"}}},\"destination\":{\"table\":\"events\","
                    + "\"columns\":[{\"name\":\"id\",\"type\":\"UInt64\"}]},\"settings\":{\"streaming_max_insert_wait_ms\":500}}");
    assertThat(pipe.status()).as(pipe.body().toString()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> data.sql("SELECT count() FROM default.events").strip().equals("10"));

    assertThat(
            chplane
                .api()
                .patch(
                    TestInstallation.service(id) + "/backupConfiguration",
                    "{\"backupPeriodInHours\":6}")
                .status())
        .isEqualTo(200);
    JsonNode[] backup = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              JsonNode list = chplane.api().get(TestInstallation.service(id) + "/backups").result();
              backup[0] = list.size() == 0 ? null : list.get(0);
              return backup[0] != null && backup[0].get("status").asText().equals("done");
            });
    JsonNode restored =
        createRunning(
            "{\"name\":\"restored\",\"provider\":\"aws\",\"region\":\"us-east-1\","
                + "\"backupId\":\""
                + backup[0].get("id").asText()
                + "\",\"ipAccessList\":[{\"source\":\"127.0.0.1\"}]}");
    assertThat(
            new ServiceData(
                    dataDir.resolve("tls/ca.pem"),
                    restored.get("service"),
                    restored.get("password").asText())
                .sql("SELECT count() FROM default.events")
                .strip())
        .isEqualTo("10");

    List<String> open = openToOthers();
    assertThat(open).as("files and directories with group or world permissions").isEmpty();
    assertThat(Files.readString(dataDir.resolve("chplane-console.log")))
        .as("the bootstrap secret from the environment is not printed")
        .doesNotContain(TestInstallation.KEY_SECRET)
        .contains("CHPLANE_BOOTSTRAP_KEY_SECRET");
    assertThat(Files.readString(dataDir.resolve("bootstrap-key.txt")))
        .doesNotContain(TestInstallation.KEY_SECRET);
  }

  /**
   * Every path under the data directory (itself included) with a group or world bit, and its mode.
   */
  private static List<String> openToOthers() throws IOException {
    List<String> open = new ArrayList<>();
    Path console = dataDir.resolve("chplane-console.log");
    Files.walkFileTree(
        dataDir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            check(dir);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (!attrs.isSymbolicLink() && !file.equals(console)) {
              check(file);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            // a server's merge or a finished temporary file can remove a path while the walk runs
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          private void check(Path path) throws IOException {
            Set<PosixFilePermission> mode;
            try {
              mode = Files.getPosixFilePermissions(path, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException gone) {
              return;
            }
            if (mode.stream().anyMatch(OTHERS::contains)) {
              open.add(PosixFilePermissions.toString(mode) + " " + dataDir.relativize(path));
            }
          }
        });
    return open;
  }
}
