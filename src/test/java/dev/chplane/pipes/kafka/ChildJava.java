package dev.chplane.pipes.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Kafka's programs run as child JVMs on the test classpath, their output appended to {@code
 * dir/broker.out}.
 */
final class ChildJava {
  private ChildJava() {}

  static Process start(Path dir, List<String> jvmOptions, String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    try {
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.out").toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the program to its end; fails unless it exits with status 0 within {@code timeout}. */
  static void run(
      Path dir, Duration timeout, List<String> jvmOptions, String mainClass, String... args) {
    Process process = start(dir, jvmOptions, mainClass, args);
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(mainClass + " did not finish in " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      process.destroyForcibly();
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(mainClass + " failed with status " + process.exitValue());
    }
  }

  /** The last lines of the programs' output and of the broker's log, to explain a failed start. */
  static String tail(Path dir) {
    StringBuilder out = new StringBuilder();
    for (String name : List.of("broker.out", "broker.log")) {
      try {
        List<String> lines = Files.readAllLines(dir.resolve(name));
        lines
            .subList(Math.max(0, lines.size() - 30), lines.size())
            .forEach(l -> out.append(l).append('\n'));
      } catch (IOException | UncheckedIOException missing) {
        // not written yet
      }
    }
    return out.toString();
  }
}
