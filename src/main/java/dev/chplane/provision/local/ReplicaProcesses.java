package dev.chplane.provision.local;

import dev.chplane.provision.ProvisionException;
import dev.chplane.security.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each replica of a service lives on disk and which process runs it. Replica 0 lives in
 * {@code <services-dir>/<id>/} (where a service's one server always lived, so existing servers are
 * adopted as replica 0), replica {@code i >= 1} in {@code <services-dir>/<id>/replica-<i>/}. A
 * process belongs to a replica when its command line names that replica's config file: that is how
 * servers left running by an earlier chplane are found, with no pid file a crash could leave stale.
 * Servers run in their own session, so a Ctrl-C of chplane does not reach them. Thread-safe.
 */
final class ReplicaProcesses {
  private static final Logger log = LoggerFactory.getLogger(ReplicaProcesses.class);
  static final Duration POLL = Duration.ofMillis(25);
  private static final Pattern REPLICA_DIR = Pattern.compile("replica-([1-9][0-9]*)");

  private final Path servicesDir;
  private final ClickHouseBinary binary;
  private final ServerExitWatch exits;

  /**
   * The process each replica was last seen with, by service and replica index, so a pass re-checks
   * the pids of one service, not all of /proc nor every service's replicas.
   */
  private final Map<UUID, Map<Integer, KnownServer>> known = new ConcurrentHashMap<>();

  /** A server process and its start time: a pid reused by another process has another one. */
  private record KnownServer(ProcessHandle handle, Optional<Instant> started) {
    static KnownServer of(ProcessHandle handle) {
      return new KnownServer(handle, handle.info().startInstant());
    }

    boolean stillRuns() {
      return alive(handle) && handle.info().startInstant().equals(started);
    }
  }

  /**
   * How often the replica directories of a service are compared with its known processes, and a
   * replica with files but no known process looked for in /proc: servers are launched here (and
   * known), so a scan finds only those an earlier chplane left running.
   */
  private static final Duration RESCAN = Duration.ofSeconds(2);

  /**
   * When each service's replica directories were last compared with its known processes ({@link
   * System#nanoTime()}); a scan of /proc follows such a check when a replica is missing.
   */
  private final Map<UUID, Long> checked = new ConcurrentHashMap<>();

  ReplicaProcesses(Path servicesDir, ClickHouseBinary binary, ServerExitWatch exits) {
    this.servicesDir = servicesDir.toAbsolutePath();
    this.binary = binary;
    this.exits = exits;
  }

  Path servicesDir() {
    return servicesDir;
  }

  Path serviceDir(UUID serviceId) {
    return servicesDir.resolve(serviceId.toString());
  }

  Path dir(UUID serviceId, int replica) {
    return replica == 0
        ? serviceDir(serviceId)
        : serviceDir(serviceId).resolve("replica-" + replica);
  }

  /** The replicas that have a configuration on disk. */
  SortedSet<Integer> onDisk(UUID serviceId) {
    SortedSet<Integer> out = new TreeSet<>();
    Path dir = serviceDir(serviceId);
    if (Files.exists(dir.resolve("config.xml"))) {
      out.add(0);
    }
    if (Files.isDirectory(dir)) {
      try (Stream<Path> children = Files.list(dir)) {
        children.forEach(
            p -> {
              Matcher m = REPLICA_DIR.matcher(p.getFileName().toString());
              if (m.matches() && Files.isDirectory(p)) {
                out.add(Integer.parseInt(m.group(1)));
              }
            });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** The live process of every replica of the service that runs, by replica index. */
  SortedMap<Integer, ProcessHandle> running(UUID serviceId) {
    SortedMap<Integer, ProcessHandle> out = new TreeMap<>();
    Map<Integer, KnownServer> ofService = known(serviceId);
    ofService.forEach(
        (index, k) -> {
          if (k.stillRuns()) {
            out.put(index, k.handle());
          } else {
            ofService.remove(index, k);
          }
        });
    // listing the directory on every call was most of the cost of a call: at most every RESCAN
    Long last = checked.get(serviceId);
    long now = System.nanoTime();
    if (last != null && now - last < RESCAN.toNanos()) {
      return out;
    }
    checked.put(serviceId, now);
    if (out.keySet().containsAll(onDisk(serviceId))) {
      return out;
    }
    // some replica has files but no known process: one may run from before this chplane started
    String prefix = "--config-file=" + serviceDir(serviceId) + "/";
    ProcessHandle.allProcesses()
        .filter(ReplicaProcesses::alive)
        .forEach(
            p -> {
              int at = commandLine(p).indexOf(prefix);
              if (at < 0) {
                return;
              }
              String rest = commandLine(p).substring(at + prefix.length()).split(" ", 2)[0];
              Integer index = indexOf(rest);
              if (index != null && !out.containsKey(index)) {
                out.put(index, p);
                exits.watch(serviceId, index, p);
                known(serviceId).put(index, KnownServer.of(p));
              }
            });
    return out;
  }

  private Map<Integer, KnownServer> known(UUID serviceId) {
    return known.computeIfAbsent(serviceId, k -> new ConcurrentHashMap<>());
  }

  /** The replica index for a config file path relative to the service directory. */
  private static Integer indexOf(String relativeConfig) {
    if (relativeConfig.equals("config.xml")) {
      return 0;
    }
    Matcher m = Pattern.compile("replica-([1-9][0-9]*)/config\\.xml").matcher(relativeConfig);
    return m.matches() ? Integer.parseInt(m.group(1)) : null;
  }

  Optional<ProcessHandle> running(UUID serviceId, int replica) {
    return Optional.ofNullable(running(serviceId).get(replica));
  }

  ProcessHandle launch(UUID serviceId, int replica) throws ProvisionException {
    Path dir = dir(serviceId, replica);
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid");
    }
    command.add(binary.server().toString());
    command.add("--config-file=" + dir.resolve("config.xml"));
    try {
      Path stdout = dir.resolve("log/stdout.log");
      if (Files.exists(stdout)) {
        OwnerOnlyFiles.restrict(stdout);
      } else {
        OwnerOnlyFiles.createFile(stdout);
      }
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      log.info(
          "service {}: started clickhouse-server pid {} for replica {}",
          serviceId,
          process.pid(),
          replica);
      exits.watch(serviceId, replica, process.toHandle());
      known(serviceId).put(replica, KnownServer.of(process.toHandle()));
      return process.toHandle();
    } catch (IOException e) {
      throw new ProvisionException("cannot run " + binary.server() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stops the given replicas' processes: a graceful stop for all at once, forced for any that has
   * not exited after {@code grace}.
   */
  void stop(UUID serviceId, Map<Integer, ProcessHandle> processes, Duration grace) {
    processes.forEach(
        (i, handle) -> {
          log.info(
              "service {}: stopping clickhouse-server pid {} (replica {})",
              serviceId,
              handle.pid(),
              i);
          handle.destroy();
        });
    processes.forEach(
        (i, handle) -> {
          if (!awaitExit(handle, grace)) {
            // 18.16 can hang for ever in shutdown (e.g. a Kafka consumer whose broker went away)
            log.warn(
                "service {}: clickhouse-server pid {} (replica {}) did not stop within {} s,"
                    + " killing it",
                serviceId,
                handle.pid(),
                i,
                grace.toSeconds());
            handle.destroyForcibly();
            awaitExit(handle, Duration.ofSeconds(30));
          }
        });
  }

  private static String commandLine(ProcessHandle p) {
    Path cmdline = Path.of("/proc", Long.toString(p.pid()), "cmdline");
    try {
      return new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException e) {
      return p.info().commandLine().orElse("");
    }
  }

  /**
   * Polls rather than using {@code onExit()}: for a child of this JVM that future can miss the exit
   * when the JDK's own reaper collects the process first.
   */
  static boolean awaitExit(ProcessHandle handle, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (alive(handle)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !alive(handle);
      }
    }
    return true;
  }

  /** Alive and not a zombie waiting to be collected. */
  static boolean alive(ProcessHandle handle) {
    return ServerExitWatch.alive(handle);
  }
}
