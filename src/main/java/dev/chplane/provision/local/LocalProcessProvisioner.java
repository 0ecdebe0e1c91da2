package dev.chplane.provision.local;

import dev.chplane.provision.PartTransfer;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.Provisioner;
import dev.chplane.provision.QueryLimits;
import dev.chplane.provision.QueryResponse;
import dev.chplane.provision.QueryUser;
import dev.chplane.provision.ReplicaAddress;
import dev.chplane.provision.ReplicaPhase;
import dev.chplane.provision.ReplicaStatus;
import dev.chplane.provision.ServiceAccess;
import dev.chplane.provision.ServiceDeployment;
import dev.chplane.security.Hashes;
import dev.chplane.security.InstallationKey;
import dev.chplane.security.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each service as a local {@code clickhouse-server} process with its files under {@code
 * <services-dir>/<id>/}. A process belongs to a service when its command line names that service's
 * config file; that is how servers left running by an earlier chplane are found and adopted, with
 * no pid file that a crash could leave stale. Servers run in their own session, so a Ctrl-C of
 * chplane does not reach them.
 *
 * <p>Each server listens on loopback on two internal ports of its own, which this provisioner
 * allocates (with the installation's one {@link PortAllocator}) and records ({@link PortRecords})
 * the first time it needs them; a service made before the edge existed gets them then, once.
 */
public final class LocalProcessProvisioner implements Provisioner {
  private static final Logger log = LoggerFactory.getLogger(LocalProcessProvisioner.class);
  private static final Duration POLL = Duration.ofMillis(25);

  private final Path servicesDir;
  private final ClickHouseBinary binary;
  private final ClickHouseHttp http;
  private final InstallationKey key;
  private final String listenHost;
  private final Path certificate;
  private final Path privateKey;
  private final QueryLimits queryLimits;
  private final ServerExitWatch exits;

  /**
   * The server each service was last seen with, so a pass re-checks one pid instead of scanning
   * /proc.
   */
  private final Map<UUID, KnownServer> knownServers = new ConcurrentHashMap<>();

  /**
   * A server process and its start time: a pid reused by another process has another start time.
   */
  private record KnownServer(ProcessHandle handle, Optional<java.time.Instant> started) {
    static KnownServer of(ProcessHandle handle) {
      return new KnownServer(handle, handle.info().startInstant());
    }

    boolean stillRuns() {
      return alive(handle) && handle.info().startInstant().equals(started);
    }
  }

  private final PortRecords portRecords;
  private final PortAllocator portAllocator;

  /** Internal ports known so far; they never change once assigned. */
  private final Map<UUID, ReplicaPorts> internalPorts = new ConcurrentHashMap<>();

  /** What the last start of each service's server came to, for {@link #replicas(UUID)}. */
  private final Map<UUID, ReplicaStatus> lastStart = new ConcurrentHashMap<>();

  /**
   * @param exits watches every server this provisioner launches or finds running
   * @param portRecords where each service's ports are recorded
   * @param portAllocator the installation's one allocator, also used for public endpoint ports
   */
  public LocalProcessProvisioner(
      Path servicesDir,
      ClickHouseBinary binary,
      ClickHouseHttp http,
      InstallationKey key,
      String listenHost,
      Path certificate,
      Path privateKey,
      QueryLimits queryLimits,
      ServerExitWatch exits,
      PortRecords portRecords,
      PortAllocator portAllocator) {
    this.exits = exits;
    this.portRecords = portRecords;
    this.portAllocator = portAllocator;
    this.servicesDir = servicesDir.toAbsolutePath();
    this.binary = binary;
    this.http = http;
    this.key = key;
    this.listenHost = listenHost;
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.queryLimits = queryLimits;
  }

  @Override
  public boolean configure(ServiceDeployment d) throws ProvisionException {
    Path dir = dir(d.serviceId());
    ClickHouseConfig config =
        new ClickHouseConfig(dir, listenHost, certificate, privateKey, binary.version());
    try {
      // users.xml holds password hashes and data/ the users' data: the whole service directory is
      // owner-only
      OwnerOnlyFiles.createDirectories(servicesDir);
      OwnerOnlyFiles.createDirectories(dir);
      for (String sub : List.of("data", "log", "tmp", "user_files", "format_schemas")) {
        OwnerOnlyFiles.createDirectories(dir.resolve(sub));
      }
      boolean changed =
          writeIfChanged(dir.resolve("config.xml"), config.configXml(d, ports(d.serviceId())));
      String internalHash = Hashes.sha256Hex(internalPassword(d.serviceId()));
      // the Query API users exist on every service, so an endpoint created later needs no reload
      ClickHouseConfig.QueryUsers queryUsers =
          new ClickHouseConfig.QueryUsers(
              Hashes.sha256Hex(QueryUser.READ_ONLY.password(key, d.serviceId())),
              Hashes.sha256Hex(QueryUser.ADMIN.password(key, d.serviceId())),
              queryLimits);
      return writeIfChanged(dir.resolve("users.xml"), config.usersXml(d, internalHash, queryUsers))
          || changed;
    } catch (IOException e) {
      throw new ProvisionException(
          "cannot write the configuration of service " + d.serviceId() + ": " + e, e);
    }
  }

  @Override
  public boolean isRunning(UUID serviceId) {
    return process(serviceId).isPresent();
  }

  @Override
  public String start(ServiceDeployment d, Duration timeout) throws ProvisionException {
    Path dir = dir(d.serviceId());
    Optional<ProcessHandle> existing = process(d.serviceId());
    ProcessHandle handle = existing.isPresent() ? existing.get() : launch(d.serviceId(), dir);
    boolean launched = existing.isEmpty();
    int https = ports(d.serviceId()).https();
    lastStart.put(d.serviceId(), status(d.serviceId(), ReplicaPhase.STARTING, null));
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastError = "no answer yet";
    while (System.nanoTime() < deadline) {
      try {
        String version =
            http.query(
                    https,
                    ClickHouseConfig.INTERNAL_USER,
                    internalPassword(d.serviceId()),
                    "SELECT version()",
                    Duration.ofSeconds(5))
                .strip();
        lastStart.put(d.serviceId(), status(d.serviceId(), ReplicaPhase.READY, null));
        return version;
      } catch (ProvisionException e) {
        lastError = e.getMessage();
      }
      if (!alive(handle)) {
        if (launched) {
          throw failedStart(
              d.serviceId(), "clickhouse-server exited during start: " + lastLogLines(dir));
        }
        // the server found was stopping, not starting (a stop that a crash of chplane cut short)
        log.info(
            "service {}: clickhouse-server pid {} exited instead of answering; starting a new one",
            d.serviceId(),
            handle.pid());
        handle = launch(d.serviceId(), dir);
        launched = true;
      }
      pause();
    }
    stop(d.serviceId(), Duration.ofSeconds(10));
    throw failedStart(
        d.serviceId(),
        "clickhouse-server did not answer within "
            + timeout.toSeconds()
            + " s ("
            + lastError
            + "); it was stopped. "
            + lastLogLines(dir));
  }

  private ProvisionException failedStart(UUID serviceId, String reason) {
    lastStart.put(serviceId, status(serviceId, ReplicaPhase.FAILED, reason));
    return new ProvisionException(reason);
  }

  @Override
  public boolean answers(UUID serviceId, Duration timeout) {
    try (QueryResponse answer =
        http.stream(
            ports(serviceId).https(),
            ClickHouseConfig.INTERNAL_USER,
            internalPassword(serviceId),
            "SELECT 1",
            java.util.Map.of(),
            timeout)) {
      // an error answer (e.g. too many simultaneous queries) comes from a server that is alive
      return answer.status() > 0;
    } catch (ProvisionException e) {
      return false;
    }
  }

  @Override
  public void reload(ServiceDeployment d) throws ProvisionException {
    http.query(
        ports(d.serviceId()).https(),
        ClickHouseConfig.INTERNAL_USER,
        internalPassword(d.serviceId()),
        "SYSTEM RELOAD CONFIG",
        Duration.ofSeconds(30));
  }

  @Override
  public void stop(UUID serviceId, Duration grace) {
    Optional<ProcessHandle> found = process(serviceId);
    if (found.isEmpty()) {
      return;
    }
    ProcessHandle handle = found.get();
    lastStart.remove(serviceId);
    log.info("service {}: stopping clickhouse-server pid {}", serviceId, handle.pid());
    handle.destroy();
    if (!awaitExit(handle, grace)) {
      // 18.16 can hang for ever in shutdown (e.g. a Kafka consumer whose broker went away)
      log.warn(
          "service {}: clickhouse-server pid {} did not stop within {} s, killing it",
          serviceId,
          handle.pid(),
          grace.toSeconds());
      handle.destroyForcibly();
      awaitExit(handle, Duration.ofSeconds(30));
    }
  }

  @Override
  public void remove(UUID serviceId) throws ProvisionException {
    stop(serviceId, Duration.ofSeconds(30));
    Path dir = dir(serviceId);
    try {
      FileTrees.delete(dir);
    } catch (IOException e) {
      throw new ProvisionException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
    lastStart.remove(serviceId);
  }

  @Override
  public Set<UUID> present() {
    return serviceDirectories(servicesDir);
  }

  /** The services that have a directory under {@code servicesDir}. */
  public static Set<UUID> serviceDirectories(Path servicesDir) {
    Set<UUID> out = new HashSet<>();
    if (Files.isDirectory(servicesDir)) {
      try (Stream<Path> dirs = Files.list(servicesDir)) {
        dirs.map(p -> p.getFileName().toString())
            .filter(n -> n.matches("[0-9a-f-]{36}"))
            .forEach(n -> out.add(UUID.fromString(n)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  @Override
  public boolean hasFiles(UUID serviceId) {
    return Files.isDirectory(dir(serviceId));
  }

  @Override
  public Path quarantine(UUID serviceId, Path quarantineDir, Duration grace)
      throws ProvisionException {
    stop(serviceId, grace);
    if (isRunning(serviceId)) {
      throw new ProvisionException("its clickhouse-server did not stop");
    }
    Path from = dir(serviceId);
    Path to = quarantineDir.resolve(serviceId.toString());
    try {
      OwnerOnlyFiles.createDirectories(quarantineDir);
      if (Files.exists(to)) {
        to = quarantineDir.resolve(serviceId + "-" + System.currentTimeMillis());
      }
      // a rename: the same file system, so the files move whole or not at all
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
      return to;
    } catch (IOException e) {
      throw new ProvisionException("cannot move " + from + " to " + to + ": " + e, e);
    }
  }

  /**
   * One replica today. Its phase: what the last start came to while the server runs ({@link
   * ReplicaPhase#READY} for a server found running), {@link ReplicaPhase#FAILED} after a start that
   * failed, {@link ReplicaPhase#STOPPED} otherwise.
   */
  @Override
  public List<ReplicaStatus> replicas(UUID serviceId) {
    if (portRecords.find(serviceId).isEmpty()) {
      return List.of();
    }
    ReplicaStatus last = lastStart.get(serviceId);
    boolean running = isRunning(serviceId);
    try {
      if (last != null && (running || last.phase() == ReplicaPhase.FAILED)) {
        return List.of(last);
      }
      return List.of(status(serviceId, running ? ReplicaPhase.READY : ReplicaPhase.STOPPED, null));
    } catch (IllegalStateException e) {
      log.warn("service {}: no ports for its server: {}", serviceId, e.getMessage());
      return List.of();
    }
  }

  @Override
  public ServiceAccess access(UUID serviceId) {
    return new LocalServiceAccess(http, serviceId, () -> ports(serviceId).https(), key);
  }

  @Override
  public ServiceAccess replicaAccess(UUID serviceId, int replica) {
    return access(serviceId);
  }

  @Override
  public PartTransfer parts(UUID serviceId) {
    return new LocalPartTransfer(dir(serviceId), access(serviceId));
  }

  private ReplicaStatus status(UUID serviceId, ReplicaPhase phase, String reason) {
    ReplicaPorts ports;
    try {
      ports = ports(serviceId);
    } catch (ProvisionException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    return new ReplicaStatus(
        0, new ReplicaAddress(listenHost, ports.https(), ports.nativeSecure()), phase, reason);
  }

  /**
   * The ports the service's server listens on. A service that has none recorded (made before the
   * edge existed) gets them now, once; the lock keeps two callers from assigning different ones.
   */
  private ReplicaPorts ports(UUID serviceId) throws ProvisionException {
    ReplicaPorts known = internalPorts.get(serviceId);
    if (known != null) {
      return known;
    }
    synchronized (internalPorts) {
      known = internalPorts.get(serviceId);
      if (known != null) {
        return known;
      }
      ReplicaPorts recorded =
          portRecords
              .find(serviceId)
              .orElseThrow(() -> new ProvisionException("service " + serviceId + " is unknown"));
      ReplicaPorts ports;
      if (recorded.https() != 0) {
        ports = recorded;
      } else {
        int[] fresh = portAllocator.allocate(2);
        ports = new ReplicaPorts(fresh[0], fresh[1]);
        portRecords.recordInternal(serviceId, ports);
        log.info(
            "service {}: its server listens on internal ports {}/{}",
            serviceId,
            fresh[0],
            fresh[1]);
      }
      internalPorts.put(serviceId, ports);
      return ports;
    }
  }

  /** The password of chplane's internal ClickHouse user on this service; derived, never stored. */
  private String internalPassword(UUID serviceId) {
    return LocalServiceAccess.internalPassword(key, serviceId);
  }

  private Path dir(UUID serviceId) {
    return servicesDir.resolve(serviceId.toString());
  }

  private ProcessHandle launch(UUID serviceId, Path dir) throws ProvisionException {
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
      log.info("started clickhouse-server pid {} for {}", process.pid(), dir.getFileName());
      exits.watch(serviceId, process.toHandle());
      knownServers.put(serviceId, KnownServer.of(process.toHandle()));
      return process.toHandle();
    } catch (IOException e) {
      throw new ProvisionException("cannot run " + binary.server() + ": " + e.getMessage(), e);
    }
  }

  private Optional<ProcessHandle> process(UUID serviceId) {
    KnownServer last = knownServers.get(serviceId);
    if (last != null && last.stillRuns()) {
      return Optional.of(last.handle());
    }
    knownServers.remove(serviceId);
    String marker = "--config-file=" + dir(serviceId).resolve("config.xml");
    Optional<ProcessHandle> found =
        ProcessHandle.allProcesses()
            .filter(p -> commandLine(p).contains(marker))
            .filter(LocalProcessProvisioner::alive)
            .findFirst();
    found.ifPresent(
        p -> {
          exits.watch(serviceId, p);
          knownServers.put(serviceId, KnownServer.of(p));
        });
    return found;
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
  private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
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
  private static boolean alive(ProcessHandle handle) {
    return ServerExitWatch.alive(handle);
  }

  private static boolean writeIfChanged(Path file, String content) throws IOException {
    if (Files.exists(file) && Files.readString(file).equals(content)) {
      // written by an earlier version with the umask's mode
      OwnerOnlyFiles.restrict(file);
      return false;
    }
    OwnerOnlyFiles.write(file, content);
    return true;
  }

  private static String lastLogLines(Path dir) {
    for (String name : List.of("log/server.err.log", "log/stdout.log")) {
      Path file = dir.resolve(name);
      try {
        if (Files.exists(file) && Files.size(file) > 0) {
          List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
          List<String> tail = lines.subList(Math.max(0, lines.size() - 3), lines.size());
          return "last lines of " + name + ": " + String.join(" | ", tail).strip();
        }
      } catch (IOException e) {
        return "its log could not be read: " + e.getMessage();
      }
    }
    return "it wrote no log";
  }

  private static void pause() throws ProvisionException {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProvisionException("interrupted while waiting for clickhouse-server");
    }
  }
}
