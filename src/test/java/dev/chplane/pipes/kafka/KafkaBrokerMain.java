package dev.chplane.pipes.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Entry point of the broker's child process: {@code kafka.Kafka} with the server.properties path,
 * plus a watch on the test JVM that started it, so that a test JVM killed before it could close the
 * broker leaves neither a broker nor its directory behind.
 */
public final class KafkaBrokerMain {
  private KafkaBrokerMain() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]).toAbsolutePath().getParent();
    ProcessHandle.current()
        .parent()
        .ifPresent(
            parent ->
                parent
                    .onExit()
                    .thenRun(
                        () -> {
                          deleteTree(dir);
                          Runtime.getRuntime().halt(3);
                        }));
    kafka.Kafka.main(args);
  }

  static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: the directory is under the system's temporary directory
    }
  }
}
