package dev.chplane.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds and kills the ZooKeeper nodes chplane runs for a data directory: JVMs whose command line
 * names ZooKeeper's server main class and the directory.
 */
final class ZooKeeperProcesses {
  private ZooKeeperProcesses() {}

  static List<ProcessHandle> under(Path dataDir) {
    String dir = dataDir.toAbsolutePath().toString();
    return ProcessHandle.allProcesses()
        .filter(
            p -> {
              String cmd = commandLine(p);
              return (cmd.contains("QuorumPeerMain") || cmd.contains("ZooKeeperServerMain"))
                  && cmd.contains(dir);
            })
        .filter(ProcessHandle::isAlive)
        .toList();
  }

  /** SIGKILL to every ZooKeeper node of {@code dataDir} (they outlive chplane by design). */
  static void killAll(Path dataDir) {
    for (ProcessHandle p : under(dataDir)) {
      p.destroyForcibly();
    }
  }

  private static String commandLine(ProcessHandle p) {
    try {
      return new String(
              Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
              StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }
}
