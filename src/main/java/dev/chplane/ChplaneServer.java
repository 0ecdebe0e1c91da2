package dev.chplane;

import dev.chplane.api.ApiServer;
import dev.chplane.backup.BackupSchedule;
import dev.chplane.backup.BackupScheduler;
import dev.chplane.backup.BackupService;
import dev.chplane.backup.BackupStorage;
import dev.chplane.backup.BackupStorages;
import dev.chplane.backup.DirectoryStorage;
import dev.chplane.config.ServerConfig;
import dev.chplane.disk.DiskSpace;
import dev.chplane.disk.DiskSpaceMonitor;
import dev.chplane.edge.EdgeServer;
import dev.chplane.metrics.PrometheusMetrics;
import dev.chplane.pipes.ClickPipeService;
import dev.chplane.pipes.PipeSecrets;
import dev.chplane.pipes.PipeServer;
import dev.chplane.pipes.PipeServers;
import dev.chplane.pipes.PipeSupervisor;
import dev.chplane.pipes.kafka.KafkaDriver;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.local.ClickHouseBinary;
import dev.chplane.provision.local.ClickHouseConfig;
import dev.chplane.provision.local.ClickHouseHttp;
import dev.chplane.provision.local.Coordination;
import dev.chplane.provision.local.ExternalZooKeeper;
import dev.chplane.provision.local.LocalProcessProvisioner;
import dev.chplane.provision.local.ManagedZooKeeper;
import dev.chplane.provision.local.PortAllocator;
import dev.chplane.provision.local.ServerExitWatch;
import dev.chplane.reconcile.IdleScaler;
import dev.chplane.reconcile.LoadScaler;
import dev.chplane.reconcile.ReadinessCheck;
import dev.chplane.reconcile.ReconcileLoop;
import dev.chplane.reconcile.ServiceReconciler;
import dev.chplane.security.CertificateAuthority;
import dev.chplane.security.CredentialCipher;
import dev.chplane.security.CredentialKeyRingFile;
import dev.chplane.security.DataDirectoryPermissions;
import dev.chplane.security.InstallationKey;
import dev.chplane.security.Secrets;
import dev.chplane.service.Activities;
import dev.chplane.service.ApiKeys;
import dev.chplane.service.Bootstrap;
import dev.chplane.service.Organizations;
import dev.chplane.service.QueryEndpoints;
import dev.chplane.service.ScaleUpCheck;
import dev.chplane.service.ServiceOperations;
import dev.chplane.startup.DataDirectoryLock;
import dev.chplane.startup.InstallationCheck;
import dev.chplane.startup.UnknownServices;
import dev.chplane.store.EmbeddedStore;
import dev.chplane.store.MetadataStore;
import dev.chplane.store.MetadataStores;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: opens the store, makes the TLS material, starts the reconciler and the API.
 * Closing it stops the API and the reconciler but leaves the ClickHouse servers running; the next
 * start adopts them.
 */
public final class ChplaneServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChplaneServer.class);

  /** How long chplane's start waits for ZooKeeper to serve. */
  private static final Duration ZOOKEEPER_START = Duration.ofSeconds(60);

  private final List<AutoCloseable> parts;
  private final ApiServer api;
  private final CertificateAuthority ca;

  private ChplaneServer(List<AutoCloseable> parts, ApiServer api, CertificateAuthority ca) {
    this.parts = parts;
    this.api = api;
    this.ca = ca;
  }

  public static ChplaneServer start(ServerConfig config, PrintStream console) {
    Path dataDir = config.dataDir().toAbsolutePath();
    DataDirectoryPermissions.restrict(dataDir);
    ClickHouseBinary binary = ClickHouseBinary.locate(config.clickhouseServer());
    log.info("using {} (ClickHouse {})", binary.server(), binary.version().text());
    // closed in reverse order on shutdown, or at once if the start fails half-way
    Deque<AutoCloseable> opened = new ArrayDeque<>();
    try {
      if (MetadataStores.isEmbedded(config.store())) {
        // two chplanes on one embedded store would each run every service's reconciler
        opened.push(DataDirectoryLock.acquire(dataDir));
      }
      Path servicesDir = dataDir.resolve("services");
      // listed before the store is read: see InstallationCheck
      Set<UUID> serviceDirectories = LocalProcessProvisioner.serviceDirectories(servicesDir);
      String storeName = MetadataStores.describe(config.store(), dataDir);
      InstallationCheck.Options checks =
          new InstallationCheck.Options(
              config.quarantineUnknownServices(), config.acceptMissingServiceFiles());
      if (MetadataStores.isEmbedded(config.store())
          && !EmbeddedStore.exists(dataDir.resolve("meta"))) {
        InstallationCheck.checkBeforeMakingStore(dataDir, storeName, serviceDirectories, checks);
      }
      MetadataStore store = MetadataStores.open(config.store(), dataDir);
      opened.push(store);
      // before anything is made in the data directory: a wrong directory or store changes nothing
      InstallationCheck.Findings findings =
          InstallationCheck.check(dataDir, store, storeName, serviceDirectories, checks);
      BackupStorage backupStorage = BackupStorages.open(config.backupStorage(), dataDir);
      if (backupStorage instanceof AutoCloseable closeable) {
        opened.push(closeable);
      }
      InstallationKey key = InstallationKey.loadOrCreate(InstallationKey.file(dataDir));
      CertificateAuthority ca =
          CertificateAuthority.loadOrCreate(dataDir.resolve("tls"), config.advertiseHost());
      // a backup directory under the data directory is on the data directory's disk: watched once
      Path backupDir =
          backupStorage instanceof DirectoryStorage d && !d.root().startsWith(dataDir)
              ? d.root()
              : null;
      DiskSpace disk =
          new DiskSpace(dataDir, backupDir, config.minFreeDiskBytes(), Clock.systemUTC());
      opened.push(new DiskSpaceMonitor(disk));
      Secrets secrets = new Secrets();
      Bootstrap.run(
          store,
          new Bootstrap.Preset(
              config.bootstrapOrgId(), config.bootstrapKeyId(), config.bootstrapKeySecret()),
          dataDir.resolve("bootstrap-key.txt"),
          secrets,
          console);

      ClickHouseHttp http = new ClickHouseHttp(ca.clientContext());
      // servers listen on loopback only; the edge listens where clients reach the endpoints
      ServerExitWatch exits = new ServerExitWatch(Duration.ofMillis(100));
      opened.push(exits);
      // the one allocator: public endpoint ports at creation, servers' own ports when first
      // configured
      StoredServicePorts portRecords = new StoredServicePorts(store);
      Path zookeeperDir = dataDir.resolve("zookeeper");
      PortAllocator portAllocator =
          new PortAllocator(
              InetAddress.getByName(config.serviceListenHost()),
              () -> {
                // chplane's own ZooKeeper nodes' ports too: a node that is down binds none
                Set<Integer> taken = new HashSet<>(portRecords.taken());
                taken.addAll(ManagedZooKeeper.recordedPorts(zookeeperDir));
                return taken;
              });
      // the ensemble of the replicated servers, serving before any server starts
      Coordination coordination = coordination(config, zookeeperDir, portAllocator);
      opened.push(coordination);
      LocalProcessProvisioner provisioner =
          new LocalProcessProvisioner(
              servicesDir,
              binary,
              http,
              key,
              "127.0.0.1",
              ca.serverCertificate(),
              ca.serverKey(),
              config.queryLimits(),
              exits,
              portRecords,
              portAllocator,
              coordination);
      // users' connections never take the part of each server's connections that chplane needs
      EdgeServer edge =
          new EdgeServer(
              ClickHouseConfig.MAX_CONNECTIONS - ClickHouseConfig.CHPLANE_RESERVED_CONNECTIONS);
      opened.push(edge);
      BackupService backups =
          new BackupService(
              store,
              provisioner,
              backupStorage,
              new BackupSchedule(config.backupHour()),
              Clock.systemUTC());
      ServiceReconciler reconciler =
          new ServiceReconciler(
              store,
              provisioner,
              config.startTimeout(),
              Duration.ofSeconds(60),
              (service, deployment) -> backups.restore(service, deployment.replicas()),
              edge,
              config.serviceListenHost(),
              Clock.systemUTC());
      new UnknownServices(
              provisioner, dataDir.resolve("quarantine"), Duration.ofSeconds(60), console)
          .handle(findings.unknown(), config.quarantineUnknownServices());
      if (!findings.missing().isEmpty()) {
        console.println(
            "chplane: "
                + findings.missing().size()
                + " services have lost their files and are marked"
                + " failed (--accept-missing-service-files)");
      }
      ReconcileLoop loop = new ReconcileLoop(reconciler, store);
      opened.push(loop);
      // a server that exits shows in the service's state at once, not at the next drift check
      exits.onExit(loop::trigger);
      PipeSecrets pipeSecrets =
          new PipeSecrets(
              new CredentialCipher(
                  new CredentialKeyRingFile(dataDir.resolve("secrets"), key).loadOrCreate()));
      // the seam between pipes and the provisioner: how a pipe reaches its service's server
      PipeServers pipeServers = service -> PipeServer.of(provisioner.access(service.id()));
      PipeSupervisor pipeSupervisor =
          new PipeSupervisor(
              store,
              pipeServers,
              pipeSecrets,
              config.pipeFailureWindow(),
              List.of(new KafkaDriver()));
      ClickPipeService pipes =
          new ClickPipeService(
              store, pipeServers, pipeSecrets, binary.version(), pipeSupervisor::nudge);
      opened.push(pipeSupervisor);
      IdleScaler idle =
          new IdleScaler(store, edge, loop, config.idleMinute(), pipeSupervisor::hasRunningPipes);
      opened.push(idle);
      edge.gate(idle);
      LoadScaler load = new LoadScaler(store, provisioner, loop, config.loadPolicy());
      log.info("horizontal autoscaling: {}", config.loadPolicy().describe());
      opened.push(load);
      ServiceOperations services =
          new ServiceOperations(
              store, loop, secrets, portAllocator, backups, idle, new ScaleUpCheck(provisioner));
      loop.start(config.reconcileInterval());
      ReadinessCheck readiness =
          new ReadinessCheck(store, provisioner, Duration.ofSeconds(5), loop::trigger);
      opened.push(readiness);
      readiness.start();
      idle.start();
      load.start();
      pipeSupervisor.start();
      BackupScheduler scheduler = new BackupScheduler(backups, store, disk, Clock.systemUTC());
      opened.push(scheduler);
      scheduler.start();
      log.info(
          "backups go to {}; an hour of the backup schedule lasts {}",
          backupStorage.describe(),
          config.backupHour());
      PrometheusMetrics metrics =
          new PrometheusMetrics(
              provisioner,
              pipes,
              pipeSupervisor,
              config.advertiseHost(),
              Duration.ofSeconds(10),
              disk);
      String installationId = key.derive("installation-id").substring(0, 16);
      ApiServer api =
          new ApiServer(
                  new ApiServer.Dependencies(
                      new Organizations(store),
                      new Activities(store),
                      services,
                      new ApiKeys(store, secrets),
                      backups,
                      pipes,
                      new QueryEndpoints(store, services, provisioner, idle),
                      metrics,
                      secrets,
                      binary.version().hasMysqlProtocol(),
                      binary.version().text(),
                      config.advertiseHost(),
                      installationId,
                      disk))
              .start(config.apiHost(), config.apiPort());
      console.println(
          "chplane API listening on http://" + config.apiHost() + ":" + api.port() + "/v1");
      console.println("installation CA certificate (give it to clients): " + ca.caCertificate());
      return new ChplaneServer(List.copyOf(opened), api, ca);
    } catch (IOException e) {
      closeAll(opened);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      closeAll(opened);
      throw e;
    }
  }

  /**
   * Chplane's own ZooKeeper nodes (started, or adopted from an earlier chplane) or the user's
   * ensemble, serving.
   */
  private static Coordination coordination(
      ServerConfig config, Path zookeeperDir, PortAllocator portAllocator) {
    Coordination coordination =
        config.managedZooKeeper()
            ? new ManagedZooKeeper(zookeeperDir, config.zookeeperNodes(), portAllocator)
            : new ExternalZooKeeper(config.zookeeper());
    String what =
        config.managedZooKeeper()
            ? "chplane's own ZooKeeper ("
                + config.zookeeperNodes()
                + " node(s), "
                + zookeeperDir
                + ")"
            : "the ZooKeeper ensemble at " + config.zookeeper();
    log.info("making sure {} serves", what);
    long started = System.nanoTime();
    try {
      coordination.ensureServing(ZOOKEEPER_START);
    } catch (ProvisionException e) {
      coordination.close();
      throw new IllegalStateException(e.getMessage(), e);
    }
    log.info(
        "{} serves on {} (took {} ms)",
        what,
        coordination.nodes(),
        (System.nanoTime() - started) / 1_000_000);
    return coordination;
  }

  private static void closeAll(Iterable<AutoCloseable> parts) {
    for (AutoCloseable part : parts) {
      try {
        part.close();
      } catch (Exception e) {
        log.warn("closing {} failed: {}", part.getClass().getSimpleName(), e.toString());
      }
    }
  }

  public int apiPort() {
    return api.port();
  }

  public Path caCertificate() {
    return ca.caCertificate();
  }

  @Override
  public void close() {
    api.close();
    closeAll(parts);
  }
}
