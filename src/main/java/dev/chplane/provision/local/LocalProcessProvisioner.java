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
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each replica of a service as a local {@code clickhouse-server} process ({@link
 * ReplicaProcesses}: where each one's files are, which process runs it, how servers left running by
 * an earlier chplane are adopted). The replicas of a service are replicated servers: each knows the
 * others as the cluster {@code default}, and they coordinate through the installation's ZooKeeper
 * ({@link Coordination}) under their warehouse's root {@code /chplane/<warehouseId>}, which is
 * created before any of them starts.
 *
 * <p>A warehouse is a primary service and its secondaries ({@link ServiceDeployment#warehouseId}):
 * all share the primary's root, so the same table paths, and the replica names, which include the
 * service id, stay unique in it. A secondary's replicas get their databases and replicated tables
 * from a ready replica of the primary, and a secondary's removal deletes only its own replicas'
 * entries ({@link WarehouseEntries}); the primary's removal deletes the root (the API refuses it
 * while secondaries exist).
 *
 * <p>Each replica listens on loopback on four ports of its own ({@link ReplicaPorts}), which this
 * provisioner allocates (with the installation's one {@link PortAllocator}) and records ({@link
 * PortRecords}) the first time it needs them; nothing outside this package learns them except
 * through {@link #replicas(UUID)}.
 *
 * <p>The plan's replica count decides which replicas run: indexes {@code 0..n-1}. {@link #start}
 * launches the missing ones, gives a new one the databases and replicated tables of a ready replica
 * and reports it {@link ReplicaPhase#STARTING} until it has caught up, and removes replicas with a
 * higher index: it stops them, renames their directory to {@code removing-replica-<i>} (so a crash
 * from there on is finished by the next start, whatever the plan is then), deletes their entries
 * from the ZooKeeper nodes of the replicated tables, and deletes their files, or moves them to the
 * quarantine directory when they hold data of non-replicated tables.
 */
public final class LocalProcessProvisioner implements Provisioner {
  private static final Logger log = LoggerFactory.getLogger(LocalProcessProvisioner.class);
  private static final Duration POLL = Duration.ofMillis(25);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration ZOOKEEPER_TIMEOUT = Duration.ofSeconds(60);
  private static final String REMOVING = "removing-replica-";
  private static final String WAREHOUSE_FILE = "warehouse";
  static final String EXITED = "clickhouse-server exited unexpectedly";

  private final ReplicaProcesses processes;
  private final Path servicesDir;
  private final Path quarantineDir;
  private final ClickHouseBinary binary;
  private final ClickHouseHttp http;
  private final InstallationKey key;
  private final String listenHost;
  private final Path certificate;
  private final Path privateKey;
  private final QueryLimits queryLimits;
  private final PortRecords portRecords;
  private final PortAllocator portAllocator;
  private final Coordination coordination;

  /** Ports known so far, complete; they never change once assigned. */
  private final Map<Replica, ReplicaPorts> knownPorts = new ConcurrentHashMap<>();

  /**
   * Each service's recorded replicas as last read from {@link PortRecords}, so that {@link
   * #replicas} and every call through {@link #access} do not query the store; dropped whenever this
   * provisioner records or forgets a replica, or removes the service.
   */
  private final Map<UUID, SortedMap<Integer, ReplicaPorts>> recordedReplicas =
      new ConcurrentHashMap<>();

  /**
   * What the last start of each replica came to ({@link ReplicaPhase#STARTING}, {@link
   * ReplicaPhase#READY} or {@link ReplicaPhase#FAILED}); removed when chplane stops it, so a
   * replica that has a status but no process died by itself.
   */
  private final Map<Replica, ReplicaStatus> lastStart = new ConcurrentHashMap<>();

  /** The replica count of each service's plan, as last configured or started. */
  private final Map<UUID, Integer> planned = new ConcurrentHashMap<>();

  /** Warehouses whose ZooKeeper root is known to exist. */
  private final Set<UUID> rootsMade = ConcurrentHashMap.newKeySet();

  /**
   * The warehouse (primary's id) of each service as last configured; also kept in the file {@value
   * #WAREHOUSE_FILE} of the service's directory, for a removal after a restart of chplane.
   */
  private final Map<UUID, UUID> warehouses = new ConcurrentHashMap<>();

  /** Where the next {@link #access(UUID)} call of each service starts its round. */
  private final Map<UUID, AtomicInteger> rounds = new ConcurrentHashMap<>();

  /**
   * @param servicesDir where each service's files are; removed replicas holding unreplicated data
   *     go to {@code quarantine} beside it
   * @param exits watches every server this provisioner launches or finds running
   * @param portRecords where each replica's ports are recorded
   * @param portAllocator the installation's one allocator, also used for public endpoint ports
   * @param coordination the ZooKeeper ensemble of the replicated servers
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
      PortAllocator portAllocator,
      Coordination coordination) {
    this.servicesDir = servicesDir.toAbsolutePath();
    this.quarantineDir = this.servicesDir.resolveSibling("quarantine");
    this.processes = new ReplicaProcesses(this.servicesDir, binary, exits);
    this.portRecords = portRecords;
    this.portAllocator = portAllocator;
    this.binary = binary;
    this.http = http;
    this.key = key;
    this.listenHost = listenHost;
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.queryLimits = queryLimits;
    this.coordination = coordination;
  }

  /**
   * The ZooKeeper root of a warehouse's servers, those of its primary and of its secondaries
   * (absolute; the servers see it as {@code /}).
   */
  static String zookeeperRoot(UUID warehouseId) {
    return "/chplane/" + warehouseId;
  }

  /** The warehouse of a service: as last configured, else as its directory records, else itself. */
  private UUID warehouseOf(UUID serviceId) {
    UUID known = warehouses.get(serviceId);
    if (known != null) {
      return known;
    }
    Path file = processes.serviceDir(serviceId).resolve(WAREHOUSE_FILE);
    try {
      if (Files.exists(file)) {
        return UUID.fromString(Files.readString(file).strip());
      }
    } catch (IOException | IllegalArgumentException e) {
      log.warn("service {}: cannot read {}: {}", serviceId, file, e.toString());
    }
    return serviceId;
  }

  @Override
  public boolean configure(ServiceDeployment d) throws ProvisionException {
    UUID id = d.serviceId();
    UUID warehouse = d.warehouseId();
    planned.put(id, d.replicas());
    warehouses.put(id, warehouse);
    if (!rootsMade.contains(warehouse)) {
      // a server whose root is missing runs without distributed DDL until it restarts
      coordination.ensureServing(ZOOKEEPER_TIMEOUT);
      coordination.createPath(zookeeperRoot(warehouse));
      rootsMade.add(warehouse);
    }
    List<Integer> tcpPorts = new ArrayList<>();
    for (int i = 0; i < d.replicas(); i++) {
      tcpPorts.add(ports(id, i).tcp());
    }
    String internalHash = Hashes.sha256Hex(internalPassword(id));
    String clusterHash = Hashes.sha256Hex(clusterPassword(id));
    // the Query API users exist on every service, so an endpoint created later needs no reload
    ClickHouseConfig.QueryUsers queryUsers =
        new ClickHouseConfig.QueryUsers(
            Hashes.sha256Hex(QueryUser.READ_ONLY.password(key, id)),
            Hashes.sha256Hex(QueryUser.ADMIN.password(key, id)),
            queryLimits);
    boolean changed = false;
    try {
      // users.xml holds password hashes and data/ the users' data: every directory is owner-only
      OwnerOnlyFiles.createDirectories(servicesDir);
      for (int i = 0; i < d.replicas(); i++) {
        Path dir = processes.dir(id, i);
        OwnerOnlyFiles.createDirectories(dir);
        for (String sub : List.of("data", "log", "tmp", "user_files", "format_schemas")) {
          OwnerOnlyFiles.createDirectories(dir.resolve(sub));
        }
        ClickHouseConfig config =
            new ClickHouseConfig(dir, listenHost, certificate, privateKey, binary.version());
        ClickHouseConfig.Replication replication =
            new ClickHouseConfig.Replication(
                new Replica(id, i).name(),
                tcpPorts,
                clusterPassword(id),
                // one per warehouse: a secondary's replicas fetch parts from the primary's
                key.derive("clickhouse-interserver:" + warehouse),
                coordination.nodes(),
                zookeeperRoot(warehouse));
        changed |=
            writeIfChanged(
                dir.resolve("config.xml"), config.configXml(d, ports(id, i), replication));
        changed |=
            writeIfChanged(
                dir.resolve("users.xml"),
                config.usersXml(d, internalHash, clusterHash, queryUsers));
      }
      writeIfChanged(processes.serviceDir(id).resolve(WAREHOUSE_FILE), warehouse + "\n");
      return changed;
    } catch (IOException e) {
      throw new ProvisionException("cannot write the configuration of service " + id + ": " + e, e);
    }
  }

  @Override
  public boolean isRunning(UUID serviceId) {
    return !processes.running(serviceId).isEmpty();
  }

  @Override
  public String start(ServiceDeployment d, Duration timeout) throws ProvisionException {
    UUID id = d.serviceId();
    planned.put(id, d.replicas());
    long deadline = System.nanoTime() + timeout.toNanos();
    SortedMap<Integer, ProcessHandle> running = processes.running(id);
    Map<Integer, ProcessHandle> pending = new TreeMap<>();
    Set<Integer> launched = new HashSet<>();
    for (int i = 0; i < d.replicas(); i++) {
      ProcessHandle handle = running.get(i);
      if (handle == null) {
        handle = processes.launch(id, i);
        launched.add(i);
      }
      pending.put(i, handle);
      lastStart.put(new Replica(id, i), status(id, i, ReplicaPhase.STARTING, null));
    }
    Map<Integer, String> versions = awaitAnswers(id, pending, launched, deadline, timeout);
    Map<Integer, ProcessHandle> outdated = new TreeMap<>();
    for (int i : versions.keySet()) {
      if (!launched.contains(i) && !listens(ports(id, i).interserver())) {
        // started by a chplane from before replicas: without ZooKeeper, cluster nor interserver
        // port, which only a restart applies
        log.info(
            "service {}: replica {} runs with a configuration from before replicas; restarting it",
            id,
            i);
        processes.stop(id, Map.of(i, pending.get(i)), Duration.ofSeconds(60));
        outdated.put(i, processes.launch(id, i));
        launched.add(i);
      }
    }
    if (!outdated.isEmpty()) {
      versions.keySet().removeAll(outdated.keySet());
      versions.putAll(awaitAnswers(id, outdated, launched, deadline, timeout));
    }
    if (versions.isEmpty()) {
      throw new ProvisionException(
          "no replica of service "
              + id
              + " answers: "
              + String.join(
                  "; ",
                  pending.keySet().stream()
                      .map(i -> "replica " + i + ": " + lastStart.get(new Replica(id, i)).reason())
                      .toList()));
    }
    catchUp(id, versions.keySet(), deadline);
    removeExtraReplicas(id, d.replicas(), versions.keySet());
    return versions.values().iterator().next();
  }

  /**
   * Waits for each pending replica to answer; one whose process exits is relaunched once if it was
   * found running (it was stopping when chplane died), and marked failed otherwise. Returns the
   * versions of those that answered, by index.
   */
  private Map<Integer, String> awaitAnswers(
      UUID id,
      Map<Integer, ProcessHandle> pending,
      Set<Integer> launched,
      long deadline,
      Duration timeout) {
    Map<Integer, String> versions = new TreeMap<>();
    Map<Integer, String> errors = new TreeMap<>();
    Map<Integer, ProcessHandle> waiting = new TreeMap<>(pending);
    while (!waiting.isEmpty() && System.nanoTime() < deadline) {
      for (Map.Entry<Integer, ProcessHandle> e : new ArrayList<>(waiting.entrySet())) {
        int i = e.getKey();
        try {
          versions.put(
              i,
              http.query(
                      ports(id, i).https(),
                      ClickHouseConfig.INTERNAL_USER,
                      internalPassword(id),
                      "SELECT version()",
                      PROBE_TIMEOUT)
                  .strip());
          waiting.remove(i);
          continue;
        } catch (ProvisionException failed) {
          errors.put(i, failed.getMessage());
        }
        if (!ReplicaProcesses.alive(e.getValue())) {
          if (launched.contains(i)) {
            failed(
                id,
                i,
                "clickhouse-server exited during start: " + lastLogLines(processes.dir(id, i)));
            waiting.remove(i);
            continue;
          }
          log.info(
              "service {}: clickhouse-server pid {} (replica {}) exited instead of answering;"
                  + " starting a new one",
              id,
              e.getValue().pid(),
              i);
          try {
            waiting.put(i, processes.launch(id, i));
            launched.add(i);
          } catch (ProvisionException cannot) {
            failed(id, i, cannot.getMessage());
            waiting.remove(i);
          }
        }
      }
      if (!waiting.isEmpty() && !pause()) {
        break;
      }
    }
    for (Map.Entry<Integer, ProcessHandle> e : waiting.entrySet()) {
      int i = e.getKey();
      processes.stop(id, Map.of(i, e.getValue()), Duration.ofSeconds(10));
      failed(
          id,
          i,
          "clickhouse-server did not answer within "
              + timeout.toSeconds()
              + " s ("
              + errors.getOrDefault(i, "no answer yet")
              + "); it was stopped. "
              + lastLogLines(processes.dir(id, i)));
    }
    return versions;
  }

  /**
   * Gives every answering replica the databases and replicated tables of the one that has the most
   * (a new replica of a service with data), or, for a secondary, of a ready replica of its
   * warehouse's primary, and marks each ready once it has caught up.
   */
  private void catchUp(UUID id, Set<Integer> answering, long deadline) {
    Optional<ServiceAccess> primary = primaryReplica(id);
    int source = -1;
    int most = -1;
    for (int i : answering) {
      try {
        int n = ReplicaSchema.replicatedTables(replicaAccess(id, i));
        if (n > most) {
          most = n;
          source = i;
        }
      } catch (ProvisionException e) {
        log.warn("service {}: replica {} does not list its tables: {}", id, i, e.getMessage());
      }
    }
    for (int i : answering) {
      Replica r = new Replica(id, i);
      Optional<ServiceAccess> from =
          primary.isPresent()
              ? primary
              : i != source && most > 0 ? Optional.of(replicaAccess(id, source)) : Optional.empty();
      if (from.isPresent()) {
        try {
          ReplicaSchema.copy(
              "service " + id + " replica " + i, from.get(), replicaAccess(id, i), deadline);
        } catch (ProvisionException e) {
          log.warn("service {}: replica {} is not ready: {}", id, i, e.getMessage());
          lastStart.put(r, status(id, i, ReplicaPhase.STARTING, e.getMessage()));
          continue;
        }
      }
      lastStart.put(r, status(id, i, ReplicaPhase.READY, null));
    }
  }

  /**
   * For a secondary, a ready replica of its warehouse's primary, where its replicas get the
   * warehouse's databases and replicated tables (those it lacks: on every start, so tables the
   * primary created since arrive too); empty for a primary, or when the primary has none ready.
   */
  private Optional<ServiceAccess> primaryReplica(UUID id) {
    UUID warehouse = warehouseOf(id);
    if (warehouse.equals(id)) {
      return Optional.empty();
    }
    Optional<ServiceAccess> ready =
        replicas(warehouse).stream()
            .filter(r -> r.phase() == ReplicaPhase.READY)
            .findFirst()
            .map(r -> replicaAccess(warehouse, r.index()));
    if (ready.isEmpty()) {
      log.info(
          "service {}: its primary {} has no ready replica; the warehouse's tables reach this"
              + " secondary at a start while the primary runs",
          id,
          warehouse);
    }
    return ready;
  }

  private void failed(UUID id, int replica, String reason) {
    log.warn("service {}: replica {} failed: {}", id, replica, reason);
    lastStart.put(new Replica(id, replica), status(id, replica, ReplicaPhase.FAILED, reason));
  }

  /**
   * Removes every replica with an index of {@code count} or more, and finishes removals a crash cut
   * short. The ZooKeeper paths of the service's tables come from a replica that answers.
   */
  private void removeExtraReplicas(UUID id, int count, Set<Integer> answering)
      throws ProvisionException {
    SortedSet<Integer> extra = new TreeSet<>(processes.onDisk(id).tailSet(count));
    recorded(id).ifPresent(m -> extra.addAll(m.tailMap(count).keySet()));
    SortedSet<Integer> removing = removing(id);
    if (extra.isEmpty() && removing.isEmpty()) {
      return;
    }
    ServiceAccess live = replicaAccess(id, answering.iterator().next());
    List<String> paths = ReplicaSchema.zookeeperPaths(live);
    SortedMap<Integer, ProcessHandle> running = processes.running(id);
    for (int i : extra) {
      ProcessHandle handle = running.get(i);
      if (handle != null) {
        log.info("service {}: removing replica {} (the plan has {})", id, i, count);
        processes.stop(id, Map.of(i, handle), Duration.ofSeconds(60));
        if (processes.running(id, i).isPresent()) {
          throw new ProvisionException("replica " + i + " of service " + id + " did not stop");
        }
      }
      lastStart.remove(new Replica(id, i));
      Path dir = processes.dir(id, i);
      if (i > 0 && Files.exists(dir)) {
        move(dir, processes.serviceDir(id).resolve(REMOVING + i));
      }
      removing.add(i);
    }
    for (int i : removing) {
      Replica r = new Replica(id, i);
      for (String path : paths) {
        coordination.deleteRecursive(
            zookeeperRoot(warehouseOf(id)) + path + "/replicas/" + r.name());
      }
      Path dir = processes.serviceDir(id).resolve(REMOVING + i);
      if (Files.exists(dir)) {
        List<String> unreplicated = ReplicaSchema.unreplicatedTablesWithData(dir);
        if (unreplicated.isEmpty()) {
          delete(dir);
        } else {
          Path to = quarantineDir.resolve(id + "-replica-" + i + "-" + System.currentTimeMillis());
          try {
            OwnerOnlyFiles.createDirectories(quarantineDir);
          } catch (IOException e) {
            throw new ProvisionException("cannot create " + quarantineDir + ": " + e, e);
          }
          move(dir, to);
          log.warn(
              "service {}: removed replica {} held data of non-replicated tables {}; its files"
                  + " are in {}",
              id,
              i,
              unreplicated,
              to);
        }
      }
      portRecords.forget(id, i);
      recordedReplicas.remove(id);
      knownPorts.remove(r);
      log.info("service {}: replica {} removed", id, i);
    }
  }

  /** Replicas whose removal started (their directory renamed) but did not finish. */
  private SortedSet<Integer> removing(UUID id) {
    SortedSet<Integer> out = new TreeSet<>();
    Path dir = processes.serviceDir(id);
    if (Files.isDirectory(dir)) {
      try (Stream<Path> children = Files.list(dir)) {
        children
            .map(p -> p.getFileName().toString())
            .filter(n -> n.matches(REMOVING + "[0-9]+"))
            .forEach(n -> out.add(Integer.parseInt(n.substring(REMOVING.length()))));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  @Override
  public boolean answers(UUID serviceId, Duration timeout) {
    for (int i : processes.running(serviceId).keySet()) {
      try (QueryResponse answer =
          http.stream(
              ports(serviceId, i).https(),
              ClickHouseConfig.INTERNAL_USER,
              internalPassword(serviceId),
              "SELECT 1",
              Map.of(),
              timeout)) {
        // an error answer (e.g. too many simultaneous queries) comes from a server that is alive
        if (answer.status() > 0) {
          return true;
        }
      } catch (ProvisionException e) {
        // the next replica may answer
      }
    }
    return false;
  }

  @Override
  public void reload(ServiceDeployment d) throws ProvisionException {
    ProvisionException first = null;
    for (int i : processes.running(d.serviceId()).keySet()) {
      try {
        http.query(
            ports(d.serviceId(), i).https(),
            ClickHouseConfig.INTERNAL_USER,
            internalPassword(d.serviceId()),
            "SYSTEM RELOAD CONFIG",
            Duration.ofSeconds(30));
      } catch (ProvisionException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public void stop(UUID serviceId, Duration grace) {
    SortedMap<Integer, ProcessHandle> running = processes.running(serviceId);
    lastStart.keySet().removeIf(r -> r.serviceId().equals(serviceId));
    processes.stop(serviceId, running, grace);
  }

  @Override
  public void remove(UUID serviceId) throws ProvisionException {
    stop(serviceId, Duration.ofSeconds(30));
    UUID warehouse = warehouseOf(serviceId);
    if (!warehouse.equals(serviceId)) {
      removeSecondary(serviceId, warehouse);
      return;
    }
    delete(processes.serviceDir(serviceId));
    lastStart.keySet().removeIf(r -> r.serviceId().equals(serviceId));
    knownPorts.keySet().removeIf(r -> r.serviceId().equals(serviceId));
    recordedReplicas.remove(serviceId);
    warehouses.remove(serviceId);
    try {
      coordination.deleteRecursive(zookeeperRoot(serviceId));
      rootsMade.remove(serviceId);
    } catch (ProvisionException e) {
      // its servers are gone; a stale root only takes a little room in ZooKeeper
      log.warn(
          "service {}: its ZooKeeper root {} stays: {}",
          serviceId,
          zookeeperRoot(serviceId),
          e.getMessage());
    }
  }

  /**
   * A secondary leaves its warehouse: its replicas' entries go from the shared table paths (before
   * its files, so that a failure here is retried by the next removal), the paths stay.
   */
  private void removeSecondary(UUID serviceId, UUID warehouse) throws ProvisionException {
    String prefix = serviceId + "-";
    List<String> deleted =
        WarehouseEntries.deleteReplicas(
            coordination, zookeeperRoot(warehouse), name -> name.startsWith(prefix));
    log.info(
        "service {}: removed {} replica entries from warehouse {}",
        serviceId,
        deleted.size(),
        warehouse);
    delete(processes.serviceDir(serviceId));
    lastStart.keySet().removeIf(r -> r.serviceId().equals(serviceId));
    knownPorts.keySet().removeIf(r -> r.serviceId().equals(serviceId));
    recordedReplicas.remove(serviceId);
    warehouses.remove(serviceId);
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
    return Files.isDirectory(processes.serviceDir(serviceId));
  }

  @Override
  public Path quarantine(UUID serviceId, Path quarantineDir, Duration grace)
      throws ProvisionException {
    stop(serviceId, grace);
    if (isRunning(serviceId)) {
      throw new ProvisionException("its clickhouse-server did not stop");
    }
    Path from = processes.serviceDir(serviceId);
    Path to = quarantineDir.resolve(serviceId.toString());
    try {
      OwnerOnlyFiles.createDirectories(quarantineDir);
    } catch (IOException e) {
      throw new ProvisionException("cannot create " + quarantineDir + ": " + e, e);
    }
    if (Files.exists(to)) {
      to = quarantineDir.resolve(serviceId + "-" + System.currentTimeMillis());
    }
    move(from, to);
    return to;
  }

  /**
   * One entry per placed replica of the plan (its indexes {@code 0..n-1}; while no plan is known,
   * every replica with recorded ports), and one per replica beyond the plan whose server still
   * runs. Its phase: what its last start came to while its server runs ({@link ReplicaPhase#READY}
   * for a server found running), {@link ReplicaPhase#FAILED} after a start that failed or when its
   * server exited without chplane stopping it ({@value #EXITED}), {@link ReplicaPhase#STOPPED}
   * otherwise.
   */
  @Override
  public List<ReplicaStatus> replicas(UUID serviceId) {
    Optional<SortedMap<Integer, ReplicaPorts>> recorded = recorded(serviceId);
    if (recorded.isEmpty()) {
      return List.of();
    }
    SortedSet<Integer> placed = new TreeSet<>(recorded.get().keySet());
    placed.add(0);
    SortedMap<Integer, ProcessHandle> running = processes.running(serviceId);
    Integer plan = planned.get(serviceId);
    if (plan != null) {
      // a replica beyond the plan that still runs is reported until start removes it: the
      // reconciler sees it there and asks for its removal
      placed = new TreeSet<>(placed.headSet(plan));
      placed.addAll(running.keySet());
    }
    List<ReplicaStatus> out = new ArrayList<>();
    try {
      for (int i : placed) {
        ReplicaStatus last = lastStart.get(new Replica(serviceId, i));
        if (running.containsKey(i)) {
          out.add(last != null ? last : status(serviceId, i, ReplicaPhase.READY, null));
        } else if (last != null && last.phase() == ReplicaPhase.FAILED) {
          out.add(last);
        } else if (last != null) {
          out.add(status(serviceId, i, ReplicaPhase.FAILED, EXITED));
        } else {
          out.add(status(serviceId, i, ReplicaPhase.STOPPED, null));
        }
      }
    } catch (IllegalStateException e) {
      log.warn("service {}: no ports for its servers: {}", serviceId, e.getMessage());
      return List.of();
    }
    return out;
  }

  /**
   * Any ready replica, in turn; a replica that cannot be reached passes the call to the next one.
   * While no replica is known to be ready, every placed replica is tried.
   */
  @Override
  public ServiceAccess access(UUID serviceId) {
    return new LocalServiceAccess(http, serviceId, () -> candidatePorts(serviceId), key);
  }

  private List<Integer> candidatePorts(UUID serviceId) throws ProvisionException {
    List<ReplicaStatus> all = replicas(serviceId);
    if (all.isEmpty()) {
      throw new ProvisionException("service " + serviceId + " is unknown");
    }
    List<Integer> ready = new ArrayList<>();
    for (ReplicaStatus r : all) {
      if (r.phase() == ReplicaPhase.READY) {
        ready.add(r.address().httpsPort());
      }
    }
    if (ready.isEmpty()) {
      all.forEach(r -> ready.add(r.address().httpsPort()));
    }
    if (ready.isEmpty()) {
      throw new ProvisionException("service " + serviceId + " has no replica");
    }
    int start =
        Math.floorMod(
            rounds.computeIfAbsent(serviceId, id -> new AtomicInteger()).getAndIncrement(),
            ready.size());
    List<Integer> out = new ArrayList<>(ready.subList(start, ready.size()));
    out.addAll(ready.subList(0, start));
    return out;
  }

  @Override
  public ServiceAccess replicaAccess(UUID serviceId, int replica) {
    return new LocalServiceAccess(
        http, serviceId, () -> List.of(ports(serviceId, replica).https()), key);
  }

  /** On a ready replica's disk, through that replica. */
  @Override
  public PartTransfer parts(UUID serviceId) {
    int replica =
        replicas(serviceId).stream()
            .filter(r -> r.phase() == ReplicaPhase.READY)
            .mapToInt(ReplicaStatus::index)
            .findFirst()
            .orElse(0);
    return new LocalPartTransfer(
        processes.dir(serviceId, replica), replicaAccess(serviceId, replica));
  }

  private ReplicaStatus status(UUID serviceId, int replica, ReplicaPhase phase, String reason) {
    ReplicaPorts ports;
    try {
      ports = ports(serviceId, replica);
    } catch (ProvisionException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    return new ReplicaStatus(
        replica,
        new ReplicaAddress(listenHost, ports.https(), ports.nativeSecure()),
        phase,
        reason);
  }

  /**
   * The ports replica {@code replica} of the service listens on. Those it has none recorded for
   * (all of a new replica's; the plain and interserver ones of a server made before replicas) it
   * gets now, once; the lock keeps two callers from assigning different ones.
   */
  private ReplicaPorts ports(UUID serviceId, int replica) throws ProvisionException {
    Replica r = new Replica(serviceId, replica);
    ReplicaPorts known = knownPorts.get(r);
    if (known != null) {
      return known;
    }
    synchronized (knownPorts) {
      known = knownPorts.get(r);
      if (known != null) {
        return known;
      }
      ReplicaPorts recorded =
          recorded(serviceId)
              .orElseThrow(() -> new ProvisionException("service " + serviceId + " is unknown"))
              .getOrDefault(replica, ReplicaPorts.NONE);
      ReplicaPorts ports = recorded;
      if (!recorded.complete()) {
        int[] have = {
          recorded.https(), recorded.nativeSecure(), recorded.tcp(), recorded.interserver()
        };
        int[] fresh =
            portAllocator.allocate((int) java.util.Arrays.stream(have).filter(p -> p == 0).count());
        for (int i = 0, next = 0; i < have.length; i++) {
          if (have[i] == 0) {
            have[i] = fresh[next++];
          }
        }
        ports = new ReplicaPorts(have[0], have[1], have[2], have[3]);
        portRecords.record(serviceId, replica, ports);
        recordedReplicas.remove(serviceId);
        log.info("service {}: replica {} listens on internal ports {}", serviceId, replica, ports);
      }
      knownPorts.put(r, ports);
      return ports;
    }
  }

  private Optional<SortedMap<Integer, ReplicaPorts>> recorded(UUID serviceId) {
    SortedMap<Integer, ReplicaPorts> known = recordedReplicas.get(serviceId);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<SortedMap<Integer, ReplicaPorts>> read = portRecords.replicas(serviceId);
    read.ifPresent(m -> recordedReplicas.put(serviceId, Collections.unmodifiableSortedMap(m)));
    return read;
  }

  /** True if the replica's server runs (for tests in this package). */
  boolean isRunningForTest(UUID serviceId, int replica) {
    return processes.running(serviceId, replica).isPresent();
  }

  /** Where a replica's files are (for tests in this package). */
  Path replicaDirForTest(UUID serviceId, int replica) {
    return processes.dir(serviceId, replica);
  }

  /** The password of chplane's internal ClickHouse user on this service; derived, never stored. */
  private String internalPassword(UUID serviceId) {
    return LocalServiceAccess.internalPassword(key, serviceId);
  }

  /** The password the replicas of a service log in to each other with; derived, never stored. */
  private String clusterPassword(UUID serviceId) {
    return key.derive("clickhouse-cluster-user:" + serviceId);
  }

  private static void delete(Path dir) throws ProvisionException {
    try {
      FileTrees.delete(dir);
    } catch (IOException e) {
      throw new ProvisionException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
  }

  /** A rename: the same file system, so the files move whole or not at all. */
  private static void move(Path from, Path to) throws ProvisionException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ProvisionException("cannot move " + from + " to " + to + ": " + e, e);
    }
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

  /** True if a server accepts connections on the loopback port. */
  private static boolean listens(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(
          new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** False when interrupted. */
  private static boolean pause() {
    try {
      Thread.sleep(POLL.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
