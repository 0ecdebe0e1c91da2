package dev.chplane.it;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * chplane as a separate process (as {@code bin/chplane serve} runs it), so that a test can kill -9
 * it.
 */
public final class ChplaneProcess implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private final List<String> extraArgs;
  private Process process;
  private String umask;

  public ChplaneProcess(Path dataDir, String... extraArgs) {
    this.dataDir = dataDir;
    this.extraArgs = List.of(extraArgs);
    try (ServerSocket s = new ServerSocket(0)) {
      this.port = s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a finished command printed (stdout and stderr together), and its exit code. */
  public record Finished(int exitCode, String output) {}

  private static List<String> chplane(String subcommand) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new java.util.ArrayList<>(
        List.of(
            java, "-cp", System.getProperty("java.class.path"), "dev.chplane.Main", subcommand));
  }

  /**
   * Runs another chplane command (e.g. {@code rotate-credentials-key}) on this data directory, to
   * its end.
   */
  public Finished run(String subcommand, String... args) {
    List<String> command = chplane(subcommand);
    command.addAll(List.of("--data-dir", dataDir.toString()));
    command.addAll(List.of(args));
    try {
      // to a file, not a pipe: reading a pipe to its end would wait for ever for a command that
      // does not end
      Path out = Files.createTempFile("chplane-run-", ".log");
      try {
        Process p =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        boolean finished = p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        if (!finished) {
          p.destroyForcibly();
          p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        String output = Files.readString(out);
        if (!finished) {
          throw new IllegalStateException("chplane " + subcommand + " did not finish:\n" + output);
        }
        return new Finished(p.exitValue(), output);
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Makes {@link #start()} run chplane under {@code mask} (e.g. {@code "000"}), as a shell's {@code
   * umask} sets it.
   */
  public ChplaneProcess umask(String mask) {
    this.umask = mask;
    return this;
  }

  public ChplaneProcess start() {
    List<String> command = chplane("serve");
    command.addAll(List.of("--data-dir", dataDir.toString(), "--api-port", Integer.toString(port)));
    command.addAll(extraArgs);
    if (umask != null) {
      command.addAll(0, List.of("/bin/sh", "-c", "umask " + umask + " && exec \"$@\"", "chplane"));
    }
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(
                    new File(dataDir.toFile(), "chplane-console.log")));
    builder.environment().put("CHPLANE_BOOTSTRAP_ORG_ID", TestInstallation.ORG);
    builder.environment().put("CHPLANE_BOOTSTRAP_KEY_ID", TestInstallation.KEY_ID);
    builder.environment().put("CHPLANE_BOOTSTRAP_KEY_SECRET", TestInstallation.KEY_SECRET);
    try {
      dataDir.toFile().mkdirs();
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      // its own ZooKeeper must serve before the API listens: slow on a loaded test machine
      await()
          .atMost(Duration.ofSeconds(180))
          .ignoreExceptions()
          .until(() -> api().get("/v1/organizations").status() == 200);
    } catch (RuntimeException e) {
      // the caller never gets this instance to close: a chplane left running would keep its
      // ZooKeeper nodes (and servers) alive after the test
      close();
      throw e;
    }
    return this;
  }

  public ApiClient api() {
    return new ApiClient(port, TestInstallation.KEY_ID, TestInstallation.KEY_SECRET);
  }

  /** Waits until the service is in {@code state} and returns its last read. */
  public com.fasterxml.jackson.databind.JsonNode awaitState(String serviceId, String state) {
    com.fasterxml.jackson.databind.JsonNode[] last = new com.fasterxml.jackson.databind.JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              last[0] = api().get(TestInstallation.service(serviceId)).result();
              return last[0] != null && state.equals(last[0].path("state").asText());
            });
    return last[0];
  }

  /** SIGKILL: no shutdown hook runs. */
  public void kill9() {
    process.destroyForcibly();
    await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      kill9();
    }
  }
}
