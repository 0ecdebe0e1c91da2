package dev.chplane.provision;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A {@link Provisioner} in memory, for tests of what drives one: no process, no file, no wait. A
 * test can make a service's starts fail, its server crash, or its server hang (run without ever
 * answering: a start then fails at once as if its timeout had passed, and the server is stopped, as
 * the local provisioner does). Every call is recorded in {@link #calls()} as {@code "verb id"}.
 *
 * <p>Replicas: a start of a server that is not running launches as many replicas as the plan asks
 * for; a start of one that runs launches the planned replicas that exited ({@link #killReplica}) or
 * are missing, and removes those beyond the plan, as the local provisioner does. A start that fails
 * ({@link #failStarts}) while a server with several replicas runs throws but leaves the running
 * replicas running (the ones that exited stay failed). With one replica nothing of this differs
 * from a single server.
 */
public final class FakeProvisioner implements Provisioner {
  public static final String VERSION = "24.8.1.1";

  /** Where every replica of the fake "listens". */
  public static final ReplicaAddress REPLICA = new ReplicaAddress("127.0.0.1", 18443, 19440);

  /** What exists of one service. */
  private static final class Server {
    ServiceDeployment configured;
    ServiceDeployment applied;
    boolean running;
    int starts;

    /** How many replicas were launched (indexes 0..placed-1) while it runs; 0 when not. */
    int placed;

    /** Launches of single replicas into a running server (restarts and added replicas). */
    int replicaStarts;

    /**
     * Replicas that exited by themselves ({@link #killReplica}), with the reason, until a start.
     */
    final Map<Integer, String> killed = new ConcurrentHashMap<>();
  }

  private final Map<UUID, Server> servers = new ConcurrentHashMap<>();
  private final Map<UUID, String> failingStarts = new ConcurrentHashMap<>();
  private final Set<UUID> hanging = ConcurrentHashMap.newKeySet();
  private final Map<UUID, Map<Integer, ReplicaPhase>> replicaPhases = new ConcurrentHashMap<>();
  private final Map<UUID, String> failingRemoves = new ConcurrentHashMap<>();
  private final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
  private volatile Consumer<UUID> exitListener = id -> {};
  private volatile Consumer<UUID> startHook = id -> {};

  /**
   * Every start of the service fails with {@code reason} from now on, until {@link #allowStarts}.
   */
  public void failStarts(UUID id, String reason) {
    failingStarts.put(id, reason);
  }

  public void allowStarts(UUID id) {
    failingStarts.remove(id);
    hanging.remove(id);
  }

  /**
   * The service's server (and every later one, until {@link #allowStarts}) runs but never answers.
   */
  public void hang(UUID id) {
    hanging.add(id);
  }

  /**
   * While the service's server runs, its replica {@code index} reports {@code phase} (for example
   * one of three replicas {@link ReplicaPhase#STARTING} or {@link ReplicaPhase#FAILED}); {@code
   * null} gives it back the phase of the server.
   */
  public void replicaPhase(UUID id, int index, ReplicaPhase phase) {
    Map<Integer, ReplicaPhase> phases =
        replicaPhases.computeIfAbsent(id, k -> new ConcurrentHashMap<>());
    if (phase == null) {
      phases.remove(index);
    } else {
      phases.put(index, phase);
    }
  }

  /** Removing the service fails with {@code reason} until {@code null} is given. */
  public void failRemoves(UUID id, String reason) {
    if (reason == null) {
      failingRemoves.remove(id);
    } else {
      failingRemoves.put(id, reason);
    }
  }

  /**
   * The service's server exits by itself; the exit listener hears of it, as from ServerExitWatch.
   */
  public void crash(UUID id) {
    Server s = servers.get(id);
    if (s != null && s.running) {
      s.running = false;
      s.applied = null;
      s.placed = 0;
      s.killed.clear();
      exitListener.accept(id);
    }
  }

  /**
   * Replica {@code index} of the running server exits by itself (kill -9): it reports {@link
   * ReplicaPhase#FAILED} until the next start launches it again; the exit listener hears of it.
   */
  public void killReplica(UUID id, int index) {
    Server s = servers.get(id);
    if (s != null && s.running && index < s.placed) {
      s.killed.put(index, "exited with signal 9 (KILL)");
      exitListener.accept(id);
    }
  }

  /** How many single replicas were launched into the running server (restarts, additions). */
  public int replicaStarts(UUID id) {
    Server s = servers.get(id);
    return s == null ? 0 : s.replicaStarts;
  }

  /** Who hears of a server's exit by itself ({@link #crash}); not of stops. */
  public void onExit(Consumer<UUID> listener) {
    this.exitListener = listener;
  }

  /** Runs at the beginning of every start: lets a test see what the world looks like then. */
  public void onStart(Consumer<UUID> hook) {
    this.startHook = hook;
  }

  /** A server left running by an earlier chplane, with files. */
  public void leaveRunning(ServiceDeployment d) {
    Server s = servers.computeIfAbsent(d.serviceId(), k -> new Server());
    s.configured = d;
    s.running = true;
    s.placed = d.replicas();
  }

  /** Files left behind (by an earlier chplane, or by hand). */
  public void leaveFiles(ServiceDeployment d) {
    servers.computeIfAbsent(d.serviceId(), k -> new Server()).configured = d;
  }

  /** Deletes the service's files and server behind the provisioner's back. */
  public void loseFiles(UUID id) {
    servers.remove(id);
  }

  /** The deployment the running server last applied (at start or reload), or null. */
  public ServiceDeployment applied(UUID id) {
    Server s = servers.get(id);
    return s == null ? null : s.applied;
  }

  /** How many servers were launched for the service. */
  public int starts(UUID id) {
    Server s = servers.get(id);
    return s == null ? 0 : s.starts;
  }

  public List<String> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  private void record(String verb, UUID id) {
    calls.add(verb + " " + id);
  }

  @Override
  public boolean configure(ServiceDeployment d) throws ProvisionException {
    record("configure", d.serviceId());
    Server s = servers.computeIfAbsent(d.serviceId(), k -> new Server());
    boolean changed = !d.equals(s.configured);
    s.configured = d;
    return changed;
  }

  @Override
  public boolean isRunning(UUID serviceId) {
    Server s = servers.get(serviceId);
    return s != null && s.running;
  }

  @Override
  public String start(ServiceDeployment d, Duration timeout) throws ProvisionException {
    record("start", d.serviceId());
    startHook.accept(d.serviceId());
    Server s = servers.get(d.serviceId());
    if (s == null || s.configured == null) {
      throw new ProvisionException(
          "clickhouse-server exited during start: its configuration is missing");
    }
    String failure = failingStarts.get(d.serviceId());
    if (failure != null) {
      if (s.running && s.placed > 1) {
        s.killed.replaceAll((index, reason) -> failure);
        throw new ProvisionException(failure);
      }
      s.running = false;
      s.placed = 0;
      s.killed.clear();
      throw new ProvisionException(failure);
    }
    if (!s.running) {
      s.running = true;
      s.starts++;
    } else {
      for (int i = 0; i < d.replicas(); i++) {
        if (i >= s.placed || s.killed.containsKey(i)) {
          s.replicaStarts++;
        }
      }
    }
    s.killed.clear();
    s.placed = d.replicas();
    if (hanging.contains(d.serviceId())) {
      s.running = false;
      throw new ProvisionException(
          "clickhouse-server did not answer within " + timeout.toSeconds() + " s; it was stopped");
    }
    s.applied = s.configured;
    return VERSION;
  }

  @Override
  public boolean answers(UUID serviceId, Duration timeout) {
    return isRunning(serviceId) && !hanging.contains(serviceId);
  }

  /**
   * As many replicas as were launched while the server runs, otherwise as the configured plan asks
   * for (one for a service not configured), all at a made-up loopback address ({@link #REPLICA}),
   * each in the phase of the service's server unless it was killed ({@link #killReplica}: failed)
   * or {@link #replicaPhase} says otherwise while it runs; like the local provisioner it places any
   * service it is asked about, configured or not.
   */
  @Override
  public List<ReplicaStatus> replicas(UUID serviceId) {
    Server s = servers.get(serviceId);
    boolean running = s != null && s.running;
    ReplicaPhase phase =
        running
            ? (hanging.contains(serviceId) ? ReplicaPhase.STARTING : ReplicaPhase.READY)
            : failingStarts.containsKey(serviceId) ? ReplicaPhase.FAILED : ReplicaPhase.STOPPED;
    int count =
        running ? s.placed : s == null || s.configured == null ? 1 : s.configured.replicas();
    Map<Integer, ReplicaPhase> phases =
        running ? replicaPhases.getOrDefault(serviceId, Map.of()) : Map.of();
    List<ReplicaStatus> replicas = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String killed = running ? s.killed.get(i) : null;
      ReplicaPhase p = killed != null ? ReplicaPhase.FAILED : phases.getOrDefault(i, phase);
      String reason =
          p != ReplicaPhase.FAILED
              ? null
              : killed != null
                  ? killed
                  : failingStarts.getOrDefault(serviceId, "replica " + i + " exited");
      replicas.add(new ReplicaStatus(i, REPLICA, p, reason));
    }
    return List.copyOf(replicas);
  }

  /** The fake has no server to reach: every call fails as with a service that does not answer. */
  @Override
  public ServiceAccess access(UUID serviceId) {
    return new ServiceAccess() {
      @Override
      public String query(String sql) throws ProvisionException {
        throw new ProvisionException("the fake provisioner runs no server");
      }

      @Override
      public String query(String sql, Duration timeout) throws ProvisionException {
        return query(sql);
      }

      @Override
      public QueryResponse stream(QueryUser user, String sql, Map<String, String> settings)
          throws ProvisionException {
        throw new ProvisionException("the fake provisioner runs no server");
      }

      @Override
      public void insert(String insertQuery, Map<String, String> settings, byte[] body)
          throws ProvisionException {
        throw new ProvisionException("the fake provisioner runs no server");
      }
    };
  }

  /**
   * One replica as an empty server: a SELECT (e.g. the table listing before a scale-up) returns no
   * rows; anything else fails as {@link #access} does.
   */
  @Override
  public ServiceAccess replicaAccess(UUID serviceId, int replica) {
    ServiceAccess none = access(serviceId);
    return new ServiceAccess() {
      @Override
      public String query(String sql) throws ProvisionException {
        if (sql.strip().regionMatches(true, 0, "SELECT", 0, 6)) {
          return "";
        }
        return none.query(sql);
      }

      @Override
      public String query(String sql, Duration timeout) throws ProvisionException {
        return query(sql);
      }

      @Override
      public QueryResponse stream(QueryUser user, String sql, Map<String, String> settings)
          throws ProvisionException {
        return none.stream(user, sql, settings);
      }

      @Override
      public void insert(String insertQuery, Map<String, String> settings, byte[] body)
          throws ProvisionException {
        none.insert(insertQuery, settings, body);
      }
    };
  }

  @Override
  public PartTransfer parts(UUID serviceId) {
    throw new UnsupportedOperationException("the fake provisioner holds no table data");
  }

  @Override
  public void reload(ServiceDeployment d) throws ProvisionException {
    record("reload", d.serviceId());
    Server s = servers.get(d.serviceId());
    if (s == null || !s.running || hanging.contains(d.serviceId())) {
      throw new ProvisionException("clickhouse-server does not answer");
    }
    s.applied = s.configured;
  }

  @Override
  public void stop(UUID serviceId, Duration grace) {
    record("stop", serviceId);
    Server s = servers.get(serviceId);
    if (s != null) {
      s.running = false;
      s.applied = null;
      s.placed = 0;
      s.killed.clear();
    }
  }

  @Override
  public void remove(UUID serviceId) throws ProvisionException {
    record("remove", serviceId);
    String failure = failingRemoves.get(serviceId);
    if (failure != null) {
      throw new ProvisionException(failure);
    }
    servers.remove(serviceId);
  }

  @Override
  public Set<UUID> present() {
    return new HashSet<>(servers.keySet());
  }

  @Override
  public boolean hasFiles(UUID serviceId) {
    Server s = servers.get(serviceId);
    return s != null && s.configured != null;
  }

  @Override
  public Path quarantine(UUID serviceId, Path quarantineDir, Duration grace)
      throws ProvisionException {
    record("quarantine", serviceId);
    stop(serviceId, grace);
    if (servers.remove(serviceId) == null) {
      throw new ProvisionException("service " + serviceId + " has no files");
    }
    return quarantineDir.resolve(serviceId.toString());
  }
}
