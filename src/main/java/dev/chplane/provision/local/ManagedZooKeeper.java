package dev.chplane.provision.local;

import dev.chplane.provision.ProvisionException;
import dev.chplane.security.OwnerOnlyFiles;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chplane's own ZooKeeper: one node, or an ensemble of three (a quorum on loopback), each a child
 * JVM running {@code QuorumPeerMain} from chplane's own jars, in its own session (so a Ctrl-C of
 * chplane does not reach it), with its files under {@code <dir>/node-<id>/} (see {@link
 * ZooKeeperNodeConfig}) and its ports recorded once in {@code <dir>/ports} (see {@link
 * ZooKeeperPortFile}).
 *
 * <p>Like ClickHouse servers, the nodes outlive chplane: a node process belongs to this ensemble
 * when its command line names its {@code zoo.cfg}, which is how nodes left running by an earlier
 * chplane are found and adopted rather than started twice. Once {@link #ensureServing} has run, a
 * node that exits (killed, crashed) is started again within {@link #CHECK_EVERY}; a node that keeps
 * exiting soon after its start is started again less and less often (up to every {@link
 * #MAX_BACKOFF}). {@link #close()} ends chplane's session and that supervision but leaves the nodes
 * running; {@link #stopNodes} stops them.
 */
public final class ManagedZooKeeper implements Coordination {
  private static final Logger log = LoggerFactory.getLogger(ManagedZooKeeper.class);

  /** How often the nodes are checked once {@link #ensureServing} has run. */
  static final Duration CHECK_EVERY = Duration.ofMillis(200);

  /** A node that exits sooner than this after its start counts as failing to start. */
  static final Duration QUICK_EXIT = Duration.ofSeconds(10);

  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
  static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration POLL = Duration.ofMillis(50);
  private static final String HOST = "127.0.0.1";

  private final Path dir;
  private final int size;
  private final PortAllocator allocator;
  private final ZooKeeperPortFile portFile;
  private final String javaBinary;

  /** The node processes last seen, by node id. */
  private final Map<Integer, NodeProcess> known = new ConcurrentHashMap<>();

  private final ScheduledExecutorService supervisor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "zookeeper-supervisor");
            t.setDaemon(true);
            return t;
          });

  /** Guarded by this. */
  private final Map<Integer, Restarts> restarts = new HashMap<>();

  /** The ports of the nodes by id, null until first needed; guarded by this. */
  private Map<Integer, ZooKeeperNodePorts> ports;

  /** Guarded by this. */
  private String classPath;

  /** Guarded by this. */
  private ZooKeeperSession session;

  /** Guarded by this. */
  private boolean supervising;

  /** Guarded by this. */
  private boolean closed;

  /** A node process and its start time: a pid reused by another process has another one. */
  private record NodeProcess(ProcessHandle handle, Optional<Instant> started) {
    static NodeProcess of(ProcessHandle handle) {
      return new NodeProcess(handle, handle.info().startInstant());
    }

    boolean stillRuns() {
      return ServerExitWatch.alive(handle) && handle.info().startInstant().equals(started);
    }
  }

  /** How a node has been exiting: starts that did not last, and when the next may be. */
  private record Restarts(int quickExits, long notBeforeNanos) {}

  /**
   * @param dir where the nodes' files are: {@code <data-dir>/zookeeper}
   * @param nodes how many nodes: 1, or an odd number for a quorum (3)
   * @param allocator the installation's port allocator; it must avoid {@link #recordedPorts}
   */
  public ManagedZooKeeper(Path dir, int nodes, PortAllocator allocator) {
    if (nodes < 1 || nodes % 2 == 0) {
      throw new IllegalArgumentException("a ZooKeeper ensemble has 1 or 3 nodes, not " + nodes);
    }
    this.dir = dir.toAbsolutePath();
    this.size = nodes;
    this.allocator = allocator;
    this.portFile = new ZooKeeperPortFile(portFile(this.dir));
    this.javaBinary =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    supervisor.scheduleWithFixedDelay(
        this::supervise, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Every port recorded for the nodes under {@code dir}, whether they run or not: the
   * installation's port allocator must never hand them out (a follower does not bind its quorum
   * port, and a node that is down binds none).
   */
  public static Set<Integer> recordedPorts(Path dir) {
    return new ZooKeeperPortFile(portFile(dir.toAbsolutePath())).taken();
  }

  private static Path portFile(Path dir) {
    return dir.resolve("ports");
  }

  /** How many nodes the ensemble has. */
  public int size() {
    return size;
  }

  @Override
  public synchronized List<ZooKeeperNode> nodes() {
    Map<Integer, ZooKeeperNodePorts> all = ports();
    List<ZooKeeperNode> out = new ArrayList<>();
    for (int id = 1; id <= size; id++) {
      out.add(new ZooKeeperNode(HOST, all.get(id).client()));
    }
    return List.copyOf(out);
  }

  @Override
  public void ensureServing(Duration timeout) throws ProvisionException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ZooKeeperSession client;
    synchronized (this) {
      if (closed) {
        throw new ProvisionException("chplane's ZooKeeper client is closed");
      }
      ports();
      for (Map.Entry<Integer, ProcessHandle> extra : running().entrySet()) {
        if (extra.getKey() > size) {
          log.info(
              "ZooKeeper node-{} pid {} is not part of the ensemble of {} any more; stopping it",
              extra.getKey(),
              extra.getValue().pid(),
              size);
          stop(extra.getKey(), extra.getValue(), Duration.ofSeconds(10));
        }
      }
      for (int id = 1; id <= size; id++) {
        boolean changed = writeFiles(config(id));
        Optional<ProcessHandle> found = process(id);
        if (found.isPresent() && changed) {
          log.info(
              "ZooKeeper node-{}: its configuration changed; restarting pid {}",
              id,
              found.get().pid());
          stop(id, found.get(), Duration.ofSeconds(10));
          found = Optional.empty();
        }
        if (found.isPresent()) {
          log.info("ZooKeeper node-{}: adopted the running pid {}", id, found.get().pid());
        } else {
          launch(id);
        }
      }
      supervising = true;
      client = session();
    }
    String quorum = awaitQuorum(deadline);
    long left = deadline - System.nanoTime();
    client.awaitConnected(Duration.ofNanos(Math.max(left, 1)));
    log.info("ZooKeeper serves on {}: {}", client.connectString(), quorum);
  }

  @Override
  public void createPath(String path) throws ProvisionException {
    session().createPath(path);
  }

  @Override
  public boolean exists(String path) throws ProvisionException {
    return session().exists(path);
  }

  @Override
  public List<String> children(String path) throws ProvisionException {
    return session().children(path);
  }

  @Override
  public void deleteRecursive(String path) throws ProvisionException {
    session().deleteRecursive(path);
  }

  /**
   * Stops every node (an earlier, larger ensemble's too) and their supervision: for tests and for
   * removing chplane's files, never on a normal shutdown. {@link #ensureServing} starts them again.
   */
  public synchronized void stopNodes(Duration grace) {
    supervising = false;
    for (Map.Entry<Integer, ProcessHandle> node : running().entrySet()) {
      log.info("ZooKeeper node-{}: stopping pid {}", node.getKey(), node.getValue().pid());
      stop(node.getKey(), node.getValue(), grace);
    }
    known.clear();
  }

  /** The pid of each node process that runs now, by node id. */
  public synchronized Map<Integer, Long> pids() {
    Map<Integer, Long> out = new TreeMap<>();
    for (int id = 1; id <= size; id++) {
      int node = id;
      process(id).ifPresent(p -> out.put(node, p.pid()));
    }
    return out;
  }

  @Override
  public void close() {
    ZooKeeperSession last;
    synchronized (this) {
      closed = true;
      supervising = false;
      last = session;
    }
    supervisor.shutdownNow();
    try {
      supervisor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (last != null) {
      last.close();
    }
  }

  private synchronized ZooKeeperSession session() {
    if (session == null) {
      String connect =
          nodes().stream().map(ZooKeeperNode::toString).collect(Collectors.joining(","));
      session = new ZooKeeperSession(connect, SESSION_TIMEOUT, OPERATION_TIMEOUT);
      if (closed) {
        session.close();
      }
    }
    return session;
  }

  /** The nodes' ports; those of nodes that have none yet are allocated and recorded now. */
  private Map<Integer, ZooKeeperNodePorts> ports() {
    if (ports != null) {
      return ports;
    }
    Map<Integer, ZooKeeperNodePorts> loaded = new TreeMap<>(portFile.load());
    boolean added = false;
    for (int id = 1; id <= size; id++) {
      if (!loaded.containsKey(id)) {
        int[] fresh = allocator.allocate(3);
        loaded.put(id, new ZooKeeperNodePorts(fresh[0], fresh[1], fresh[2]));
        added = true;
      }
    }
    if (added) {
      try {
        OwnerOnlyFiles.createDirectories(dir);
        portFile.save(loaded);
      } catch (IOException e) {
        throw new IllegalStateException("cannot record ZooKeeper's ports in " + dir + ": " + e, e);
      }
      log.info("ZooKeeper nodes' ports (client,quorum,election): {}", loaded);
    }
    ports = Map.copyOf(loaded);
    return ports;
  }

  private ZooKeeperNodeConfig config(int id) {
    Map<Integer, ZooKeeperNodePorts> ensemble = new TreeMap<>();
    for (int peer = 1; peer <= size; peer++) {
      ensemble.put(peer, ports().get(peer));
    }
    return new ZooKeeperNodeConfig(id, dir.resolve("node-" + id), ensemble);
  }

  /** Writes the node's files; true if its {@code zoo.cfg} or {@code myid} changed. */
  private static boolean writeFiles(ZooKeeperNodeConfig c) throws ProvisionException {
    try {
      OwnerOnlyFiles.createDirectories(c.dir());
      OwnerOnlyFiles.createDirectories(c.dataDir());
      writeIfChanged(c.logbackFile(), c.logbackXml());
      boolean changed = writeIfChanged(c.configFile(), c.zooCfg());
      if (!c.standalone()) {
        changed |= writeIfChanged(c.dataDir().resolve("myid"), c.myid());
      }
      return changed;
    } catch (IOException e) {
      throw new ProvisionException(
          "cannot write the files of ZooKeeper node " + c.id() + " in " + c.dir() + ": " + e, e);
    }
  }

  private static boolean writeIfChanged(Path file, String content) throws IOException {
    if (Files.exists(file) && Files.readString(file).equals(content)) {
      return false;
    }
    OwnerOnlyFiles.write(file, content);
    return true;
  }

  /** Guarded by this. */
  private ProcessHandle launch(int id) throws ProvisionException {
    ZooKeeperNodeConfig c = config(id);
    if (classPath == null) {
      classPath = ZooKeeperClassPath.of(ManagedZooKeeper.class.getClassLoader());
    }
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid");
    }
    command.addAll(c.command(javaBinary, classPath));
    try {
      Path stdout = c.stdoutFile();
      if (Files.exists(stdout)) {
        OwnerOnlyFiles.restrict(stdout);
      } else {
        OwnerOnlyFiles.createFile(stdout);
      }
      Process process =
          new ProcessBuilder(command)
              .directory(c.dir().toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      known.put(id, NodeProcess.of(process.toHandle()));
      log.info(
          "ZooKeeper node-{}: started pid {} (client port {}, files in {})",
          id,
          process.pid(),
          c.ports().client(),
          c.dir());
      return process.toHandle();
    } catch (IOException e) {
      throw new ProvisionException("cannot run " + javaBinary + ": " + e.getMessage(), e);
    }
  }

  /** The node's process: the one last seen if it still runs, else one found in /proc. */
  private Optional<ProcessHandle> process(int id) {
    NodeProcess last = known.get(id);
    if (last != null && last.stillRuns()) {
      return Optional.of(last.handle());
    }
    known.remove(id);
    Optional<ProcessHandle> found = Optional.ofNullable(running().get(id));
    found.ifPresent(p -> known.put(id, NodeProcess.of(p)));
    return found;
  }

  /**
   * The node processes of this directory that run now, by id, whatever the ensemble's size: those
   * whose last argument is {@code <dir>/node-<id>/zoo.cfg}.
   */
  private Map<Integer, ProcessHandle> running() {
    String prefix = dir + "/node-";
    Map<Integer, ProcessHandle> out = new TreeMap<>();
    ProcessHandle.allProcesses()
        .forEach(
            p -> {
              List<String> args = arguments(p);
              if (args.isEmpty()) {
                return;
              }
              String last = args.get(args.size() - 1);
              if (!last.startsWith(prefix) || !last.endsWith("/zoo.cfg")) {
                return;
              }
              String id = last.substring(prefix.length(), last.length() - "/zoo.cfg".length());
              if (id.matches("[1-9][0-9]{0,2}")
                  && args.contains(ZooKeeperNodeConfig.MAIN_CLASS)
                  && ServerExitWatch.alive(p)) {
                out.putIfAbsent(Integer.parseInt(id), p);
              }
            });
    return out;
  }

  private static List<String> arguments(ProcessHandle p) {
    try {
      byte[] bytes = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
      if (bytes.length == 0) {
        return List.of();
      }
      return List.of(new String(bytes, StandardCharsets.UTF_8).split("\0"));
    } catch (IOException | SecurityException e) {
      return List.of();
    }
  }

  /** Waits for a quorum: a standalone node, or a leader and a majority that follow it. */
  private String awaitQuorum(long deadline) throws ProvisionException {
    Map<Integer, Integer> clientPorts = new TreeMap<>();
    synchronized (this) {
      for (int id = 1; id <= size; id++) {
        clientPorts.put(id, ports().get(id).client());
      }
    }
    Map<Integer, String> modes = new TreeMap<>();
    while (true) {
      modes.clear();
      clientPorts.forEach(
          (id, port) ->
              modes.put(
                  id, FourLetterWords.mode(HOST, port, Duration.ofSeconds(1)).orElse("none")));
      long serving =
          modes.values().stream()
              .filter(m -> m.equals("standalone") || m.equals("leader") || m.equals("follower"))
              .count();
      boolean led = size == 1 ? serving == 1 : modes.containsValue("leader");
      if (led && serving >= size / 2 + 1) {
        return describe(modes);
      }
      if (System.nanoTime() > deadline) {
        throw new ProvisionException(
            "chplane's ZooKeeper does not serve ("
                + describe(modes)
                + "); "
                + lastLogLines(config(1)));
      }
      pause();
    }
  }

  private static String describe(Map<Integer, String> modes) {
    return modes.entrySet().stream()
        .map(e -> "node-" + e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  /** One supervision pass: starts again the nodes that have exited. */
  private synchronized void supervise() {
    // an exception would end the schedule: every pass stands alone
    if (!supervising || closed) {
      return;
    }
    for (int id = 1; id <= size; id++) {
      try {
        superviseNode(id);
      } catch (ProvisionException | RuntimeException e) {
        log.warn("ZooKeeper node-{}: supervision failed: {}", id, e.toString());
      }
    }
  }

  private void superviseNode(int id) throws ProvisionException {
    NodeProcess last = known.get(id);
    if (last != null && last.stillRuns()) {
      return;
    }
    known.remove(id);
    ProcessHandle other = running().get(id);
    if (other != null) {
      // started by another chplane on this directory (a test's second instance)
      known.put(id, NodeProcess.of(other));
      log.info("ZooKeeper node-{}: adopted the running pid {}", id, other.pid());
      return;
    }
    Restarts r = restarts.getOrDefault(id, new Restarts(0, 0));
    if (last != null) {
      boolean quick =
          last.started()
              .map(s -> Duration.between(s, Instant.now()).compareTo(QUICK_EXIT) < 0)
              .orElse(false);
      int quickExits = quick ? r.quickExits() + 1 : 0;
      Duration delay =
          quickExits <= 1
              ? Duration.ZERO
              : Duration.ofSeconds(
                  Math.min(MAX_BACKOFF.toSeconds(), 1L << Math.min(quickExits - 2, 10)));
      r = new Restarts(quickExits, System.nanoTime() + delay.toNanos());
      restarts.put(id, r);
      if (delay.isZero()) {
        log.warn(
            "ZooKeeper node-{}: pid {} has exited; starting it again", id, last.handle().pid());
      } else {
        log.warn(
            "ZooKeeper node-{}: pid {} has exited {} times soon after its start; starting it again"
                + " in {} s; {}",
            id,
            last.handle().pid(),
            quickExits,
            delay.toSeconds(),
            lastLogLines(config(id)));
      }
    }
    if (System.nanoTime() - r.notBeforeNanos() < 0) {
      return;
    }
    launch(id);
  }

  private void stop(int id, ProcessHandle handle, Duration grace) {
    handle.destroy();
    if (!awaitExit(handle, grace)) {
      log.warn(
          "ZooKeeper node-{}: pid {} did not stop within {} s; killing it",
          id,
          handle.pid(),
          grace.toSeconds());
      handle.destroyForcibly();
      awaitExit(handle, Duration.ofSeconds(10));
    }
    known.remove(id);
  }

  private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (ServerExitWatch.alive(handle)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !ServerExitWatch.alive(handle);
      }
    }
    return true;
  }

  private static String lastLogLines(ZooKeeperNodeConfig c) {
    for (Path file : List.of(c.logFile(), c.stdoutFile())) {
      try {
        if (Files.exists(file) && Files.size(file) > 0) {
          List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
          List<String> tail = lines.subList(Math.max(0, lines.size() - 3), lines.size());
          return "last lines of " + file + ": " + String.join(" | ", tail).strip();
        }
      } catch (IOException e) {
        return "its log could not be read: " + e.getMessage();
      }
    }
    return "node-" + c.id() + " wrote no log";
  }

  private static void pause() throws ProvisionException {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProvisionException("interrupted while waiting for ZooKeeper");
    }
  }
}
