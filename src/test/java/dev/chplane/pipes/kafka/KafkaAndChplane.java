package dev.chplane.pipes.kafka;

import dev.chplane.it.ChplaneProcess;
import dev.chplane.it.ClickHouseProcesses;
import dev.chplane.it.TestInstallation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real Kafka broker and chplane as a process on a fresh data directory; closing removes both and
 * every server.
 */
final class KafkaAndChplane implements AutoCloseable {
  final KafkaBroker kafka = new KafkaBroker();
  final Path dataDir;
  final ChplaneProcess chplane;

  KafkaAndChplane(String dataDirPrefix) {
    try {
      dataDir = Files.createTempDirectory(dataDirPrefix);
    } catch (IOException e) {
      kafka.close();
      throw new UncheckedIOException(e);
    }
    chplane = new ChplaneProcess(dataDir);
    chplane.start();
  }

  @Override
  public void close() {
    chplane.close();
    ClickHouseProcesses.killAll(dataDir);
    TestInstallation.deleteTree(dataDir);
    kafka.close();
  }
}
