package dev.chplane.provision.local;

import dev.chplane.provision.ServerVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Finds the {@code clickhouse-server} program and tells its version. */
public record ClickHouseBinary(Path server, ServerVersion version) {

  /**
   * Looks in PATH, then {@code /usr/sbin} and {@code /usr/bin}; {@code explicit} wins when given.
   */
  public static ClickHouseBinary locate(Path explicit) {
    Path server =
        explicit != null
            ? explicit
            : search()
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "clickhouse-server was not found in PATH, /usr/sbin or /usr/bin. Install it with"
                                + " 'apt-get install clickhouse-server clickhouse-client' (Debian/Ubuntu) or pass"
                                + " --clickhouse-server PATH"));
    if (!Files.isExecutable(server)) {
      throw new IllegalStateException(server + " is not an executable file");
    }
    return new ClickHouseBinary(server, detectVersion(server));
  }

  private static Optional<Path> search() {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(":")) {
        candidates.add(Path.of(dir, "clickhouse-server"));
      }
    }
    candidates.add(Path.of("/usr/sbin/clickhouse-server"));
    candidates.add(Path.of("/usr/bin/clickhouse-server"));
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  private static ServerVersion detectVersion(Path server) {
    // current releases answer --version; 18.16's server does not, but its client of the same
    // package does
    for (List<String> command :
        List.of(
            List.of(server.toString(), "--version"),
            List.of(server.resolveSibling("clickhouse-client").toString(), "--version"),
            List.of("clickhouse-client", "--version"))) {
      Optional<String> out = run(command);
      if (out.isPresent() && out.get().matches("(?s).*\\d+\\.\\d+.*")) {
        return ServerVersion.parse(out.get());
      }
    }
    throw new IllegalStateException(
        "cannot tell the version of "
            + server
            + ": neither it nor clickhouse-client answered --version");
  }

  private static Optional<String> run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return Optional.of(new String(out, StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
