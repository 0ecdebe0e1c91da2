package dev.chplane.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chplane.ChplaneServer;
import dev.chplane.startup.StartRefused;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A start that cannot go on says why and what to do in one sentence, exits with status 2, and
 * prints no stack trace: a damaged or locked embedded store, a second chplane on the same data
 * directory.
 */
class StartupFailureIT {
  private Path dataDir;

  @BeforeEach
  void makeDataDir() throws Exception {
    dataDir = Files.createTempDirectory("chplane-startup-");
  }

  @AfterEach
  void deleteDataDir() {
    ClickHouseProcesses.killAll(dataDir);
    TestInstallation.deleteTree(dataDir);
  }

  /** Runs {@code chplane serve} on the data directory to its end; it must refuse at once. */
  private ChplaneProcess.Finished serve() {
    return new ChplaneProcess(dataDir).run("serve", "--api-port", "0");
  }

  private static void assertOneClearSentence(ChplaneProcess.Finished refused, String... says) {
    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(2);
    List<String> ours = refused.output().lines().filter(l -> l.startsWith("chplane: ")).toList();
    assertThat(ours).as(refused.output()).hasSize(1);
    assertThat(ours.get(0)).contains(says);
    assertThat(refused.output()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void aDamagedEmbeddedStoreSaysWhatToRestore() throws Exception {
    ChplaneServer.start(TestInstallation.config(dataDir, null, 0), UnaccountedDataIT.quiet())
        .close();
    Path file = dataDir.resolve("meta/chplane.mv.db");
    byte[] garbage = new byte[(int) Files.size(file)];
    new java.util.Random(11).nextBytes(garbage);
    Files.write(file, garbage);

    assertOneClearSentence(serve(), "is damaged", dataDir.resolve("meta").toString(), "restore");
  }

  @Test
  void anEmbeddedStoreHeldByAnotherProgramIsNamed() throws Exception {
    ChplaneServer.start(TestInstallation.config(dataDir, null, 0), UnaccountedDataIT.quiet())
        .close();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process holder =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                HoldEmbeddedStore.class.getName(),
                dataDir.toString())
            .redirectErrorStream(true)
            .start();
    try {
      String first =
          new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      assertThat(first).isEqualTo("holding");

      assertOneClearSentence(serve(), "is in use by another program", "stop it");
    } finally {
      holder.getOutputStream().close();
      if (!holder.waitFor(30, TimeUnit.SECONDS)) {
        holder.destroyForcibly();
      }
    }
  }

  @Test
  void aSecondChplaneOnTheSameDataDirectoryIsRefused() {
    try (ChplaneProcess running = new ChplaneProcess(dataDir).start()) {
      assertOneClearSentence(serve(), "another chplane is running on " + dataDir, "--data-dir");
      assertThat(running.api().get("/v1/organizations").status())
          .as("the first one runs on")
          .isEqualTo(200);
    }
  }

  @Test
  void aSecondChplaneInTheSameProcessIsRefusedAndTheDirectoryIsFreeAfterTheFirstStops() {
    ChplaneServer first =
        ChplaneServer.start(TestInstallation.config(dataDir, null, 0), UnaccountedDataIT.quiet());
    try {
      assertThatThrownBy(
              () ->
                  ChplaneServer.start(
                      TestInstallation.config(dataDir, null, 0), UnaccountedDataIT.quiet()))
          .isInstanceOf(StartRefused.class)
          .hasMessageContaining("another chplane is running on " + dataDir);
    } finally {
      first.close();
    }
    ChplaneServer.start(TestInstallation.config(dataDir, null, 0), UnaccountedDataIT.quiet())
        .close();
  }
}
