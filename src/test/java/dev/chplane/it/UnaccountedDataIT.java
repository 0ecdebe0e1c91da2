package dev.chplane.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chplane.ChplaneServer;
import dev.chplane.startup.StartRefused;
import dev.chplane.store.PostgresCluster;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * chplane never deletes data it cannot account for: a lost metadata store, a wrong {@code --store}
 * and a wrong {@code --data-dir} stop the start and change nothing; unknown service directories are
 * moved to quarantine only when the operator asks.
 */
class UnaccountedDataIT {
  private static final String LOCAL = "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]";
  @RegisterExtension static final PostgresCluster postgres = new PostgresCluster();

  @Test
  void lostEmbeddedStoreIsRefusedUntilAskedAndThenTheServiceIsQuarantinedWhole() throws Exception {
    Path dataDir = Files.createTempDirectory("chplane-lost-meta-");
    try (ChplaneProcess first = new ChplaneProcess(dataDir).start()) {
      ApiClient.Response created =
          first
              .api()
              .post(
                  TestInstallation.services(),
                  "{\"name\":\"precious\","
                      + "\"provider\":\"aws\",\"region\":\"us-east-1\",\"ipAccessList\":"
                      + LOCAL
                      + "}");
      String id = created.result().at("/service/id").asText();
      ServiceData data =
          new ServiceData(
              dataDir.resolve("tls/ca.pem"),
              first.awaitState(id, "running"),
              created.result().get("password").asText());
      data.sql("CREATE TABLE default.kept (n UInt64) ENGINE = MergeTree ORDER BY n");
      data.sql("INSERT INTO default.kept SELECT number FROM numbers(1000)");
      Path serviceDir = dataDir.resolve("services").resolve(id);
      Map<String, Long> table = files(serviceDir.resolve("data/data/default/kept"));
      assertThat(table).isNotEmpty();
      long pid = ClickHouseProcesses.under(serviceDir).get(0).pid();

      first.kill9();
      TestInstallation.deleteTree(dataDir.resolve("meta"));
      ChplaneProcess.Finished refused = first.run("serve", "--api-port", "0");

      assertThat(refused.exitCode()).as(refused.output()).isEqualTo(2);
      assertThat(refused.output())
          .contains("has no services", "--store", "--data-dir", "--quarantine-unknown-services")
          .doesNotContain("\tat ");
      assertThat(ClickHouseProcesses.under(serviceDir))
          .as("its server is not stopped")
          .extracting(ProcessHandle::pid)
          .containsExactly(pid);
      assertThat(files(serviceDir.resolve("data/data/default/kept"))).isEqualTo(table);
      assertThat(dataDir.resolve("quarantine")).doesNotExist();
      assertThat(dataDir.resolve("meta")).as("no new empty store is left behind").doesNotExist();

      try (ChplaneProcess asked =
          new ChplaneProcess(dataDir, "--quarantine-unknown-services").start()) {
        Path quarantined = dataDir.resolve("quarantine").resolve(id);
        assertThat(serviceDir).doesNotExist();
        assertThat(files(quarantined.resolve("data/data/default/kept"))).isEqualTo(table);
        assertThat(quarantined.resolve("config.xml")).exists();
        assertThat(ClickHouseProcesses.under(dataDir))
            .as("its server was stopped before it was moved")
            .isEmpty();
        assertThat(asked.api().get(TestInstallation.services()).result()).isEmpty();
        assertThat(Files.readString(dataDir.resolve("chplane-console.log")))
            .contains("moved 1 of 1");
      }
    } finally {
      ClickHouseProcesses.killAll(dataDir);
      TestInstallation.deleteTree(dataDir);
    }
  }

  @Test
  void aFreshPostgresStoreOnAUsedDataDirectoryIsRefusedAndNothingChanges() throws Exception {
    try (TestInstallation chplane = new TestInstallation()) {
      JsonNode created = chplane.createRunning("kept", LOCAL);
      String id = created.at("/service/id").asText();
      Path serviceDir = chplane.serviceDir(id);
      long pid = ClickHouseProcesses.under(serviceDir).get(0).pid();
      ServiceData data =
          new ServiceData(
              chplane.caCertificate(),
              chplane.api().get(TestInstallation.service(id)).result(),
              created.get("password").asText());
      data.sql("CREATE TABLE default.kept (n UInt64) ENGINE = MergeTree ORDER BY n");
      data.sql("INSERT INTO default.kept SELECT number FROM numbers(1000)");
      Map<String, String> before = data.checksums();
      Map<String, Long> table = files(serviceDir.resolve("data/data/default/kept"));
      chplane.stopChplane();

      String wrongStore = postgres.createDatabase();
      assertThatThrownBy(
              () ->
                  ChplaneServer.start(
                      TestInstallation.config(chplane.dataDir(), wrongStore, 0), quiet()))
          .isInstanceOf(StartRefused.class)
          .hasMessageContaining("has no services")
          .hasMessageContaining("--store");

      assertThat(ClickHouseProcesses.under(serviceDir))
          .extracting(ProcessHandle::pid)
          .containsExactly(pid);
      assertThat(files(serviceDir.resolve("data/data/default/kept"))).isEqualTo(table);
      assertThat(chplane.dataDir().resolve("quarantine")).doesNotExist();
      // the right store finds everything as it was
      chplane.start();
      chplane.awaitState(id, "running");
      assertThat(ClickHouseProcesses.under(serviceDir))
          .extracting(ProcessHandle::pid)
          .containsExactly(pid);
      assertThat(data.checksums()).isEqualTo(before);
    }
  }

  @Test
  void aUsedPostgresStoreOnAnEmptyDataDirectoryIsRefusedAndNothingIsMade() throws Exception {
    String store = postgres.createDatabase();
    Path wrongDir = Files.createTempDirectory("chplane-wrong-data-dir-");
    try (TestInstallation chplane = new TestInstallation(store)) {
      JsonNode created = chplane.createRunning("elsewhere", LOCAL);
      String id = created.at("/service/id").asText();
      chplane.stopChplane();

      assertThatThrownBy(
              () -> ChplaneServer.start(TestInstallation.config(wrongDir, store, 0), quiet()))
          .isInstanceOf(StartRefused.class)
          .hasMessageContaining("--data-dir")
          .hasMessageContaining("tls/ca.pem")
          .hasMessageContaining("secrets/installation.key");
      try (Stream<Path> made = Files.list(wrongDir)) {
        assertThat(made).as("nothing made in the wrong data directory").isEmpty();
      }

      // the same store with its own directory, whose service lost its directory: refused too
      ClickHouseProcesses.killAll(chplane.dataDir());
      Path away = chplane.dataDir().resolve("away");
      Files.move(chplane.serviceDir(id), away);
      assertThatThrownBy(
              () ->
                  ChplaneServer.start(
                      TestInstallation.config(chplane.dataDir(), store, 0), quiet()))
          .isInstanceOf(StartRefused.class)
          .hasMessageContaining("whose files are missing")
          .hasMessageContaining(id);
      assertThat(chplane.serviceDir(id)).doesNotExist();
      Files.move(away, chplane.serviceDir(id));
      chplane.start();
      chplane.awaitState(id, "running");
    } finally {
      TestInstallation.deleteTree(wrongDir);
    }
  }

  @Test
  void twoChplanesMayShareAPostgresStoreAndADataDirectory() throws Exception {
    String store = postgres.createDatabase();
    Path dataDir = Files.createTempDirectory("chplane-two-on-postgres-");
    try (ChplaneServer one =
            ChplaneServer.start(TestInstallation.config(dataDir, store, 0), quiet());
        ChplaneServer two =
            ChplaneServer.start(TestInstallation.config(dataDir, store, 0), quiet())) {
      assertThat(
              new ApiClient(one.apiPort(), TestInstallation.KEY_ID, TestInstallation.KEY_SECRET)
                  .get("/v1/organizations")
                  .status())
          .isEqualTo(200);
      assertThat(
              new ApiClient(two.apiPort(), TestInstallation.KEY_ID, TestInstallation.KEY_SECRET)
                  .get("/v1/organizations")
                  .status())
          .isEqualTo(200);
    } finally {
      // chplane's ZooKeeper node outlives it by design
      ClickHouseProcesses.killAll(dataDir);
      TestInstallation.deleteTree(dataDir);
    }
  }

  static PrintStream quiet() {
    return new PrintStream(PrintStream.nullOutputStream());
  }

  /** Every regular file under {@code dir} with its size, by relative path. */
  static Map<String, Long> files(Path dir) {
    Map<String, Long> out = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .filter(Files::isRegularFile)
          .forEach(
              p -> {
                try {
                  out.put(dir.relativize(p).toString(), Files.size(p));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
