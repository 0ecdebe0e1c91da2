package dev.chplane.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds and kills the clickhouse-server processes whose config lies under a directory (and, in
 * {@link #killAll}, chplane's ZooKeeper nodes there too).
 */
public final class ClickHouseProcesses {
  private ClickHouseProcesses() {}

  public static List<ProcessHandle> under(Path dir) {
    String marker = "--config-file=" + dir.toAbsolutePath();
    return ProcessHandle.allProcesses()
        .filter(p -> commandLine(p).contains(marker))
        .filter(ClickHouseProcesses::running)
        .toList();
  }

  /** Kills the clickhouse-server processes and chplane's ZooKeeper nodes under {@code dir}. */
  public static void killAll(Path dir) {
    for (ProcessHandle p : under(dir)) {
      p.destroyForcibly();
    }
    for (ProcessHandle p : zooKeeperNodesUnder(dir)) {
      p.destroyForcibly();
    }
  }

  /** Chplane's ZooKeeper nodes whose {@code zoo.cfg} lies under {@code dir}. */
  public static List<ProcessHandle> zooKeeperNodesUnder(Path dir) {
    String prefix = dir.toAbsolutePath() + "/";
    return ProcessHandle.allProcesses()
        .filter(
            p -> {
              String line = commandLine(p);
              return line.contains("org.apache.zookeeper.server.quorum.QuorumPeerMain " + prefix)
                  && line.strip().endsWith("/zoo.cfg");
            })
        .filter(ClickHouseProcesses::running)
        .toList();
  }

  private static boolean running(ProcessHandle p) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return false;
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
