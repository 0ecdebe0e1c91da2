package dev.chplane.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds and kills the clickhouse-server processes whose config lies under a directory. */
public final class ClickHouseProcesses {
  private ClickHouseProcesses() {}

  public static List<ProcessHandle> under(Path dir) {
    String marker = "--config-file=" + dir.toAbsolutePath();
    return ProcessHandle.allProcesses()
        .filter(p -> commandLine(p).contains(marker))
        .filter(ClickHouseProcesses::running)
        .toList();
  }

  public static void killAll(Path dir) {
    for (ProcessHandle p : under(dir)) {
      p.destroyForcibly();
    }
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
