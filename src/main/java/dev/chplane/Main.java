package dev.chplane;

import dev.chplane.config.ServerConfig;
import dev.chplane.provision.QueryLimits;
import dev.chplane.provision.local.ClickHouseHttp;
import dev.chplane.provision.local.ExternalZooKeeper;
import dev.chplane.reconcile.LoadPolicy;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code chplane} command line. */
@Command(
    name = "chplane",
    mixinStandardHelpOptions = true,
    version = "chplane 0.1.0",
    description = "A self-hosted control plane that speaks the ClickHouse Cloud API v1.",
    subcommands = {Main.Serve.class, RotateCredentialsKey.class})
public final class Main implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    // before any HTTP client exists: the JDK reads this JVM-wide setting once
    ClickHouseHttp.limitIdleConnections();
    System.exit(new CommandLine(new Main()).execute(args));
  }

  /** The first line of what went wrong, with the I/O cause that a wrapper would hide. */
  static String startFailure(RuntimeException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof UncheckedIOException io
        && io.getCause() != null
        && io.getCause().getMessage() != null
        && !message.contains(io.getCause().getMessage())) {
      message += ": " + io.getCause().getMessage();
    }
    return message.lines().findFirst().orElse("").strip();
  }

  /**
   * {@code chplane serve}: runs the API, the reconciler and the local provisioner until stopped.
   */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = "Start chplane with its metadata store and local ClickHouse provisioner.")
  static final class Serve implements java.util.concurrent.Callable<Integer> {
    @Mixin InstallationOptions installation;

    @Option(
        names = "--api-port",
        defaultValue = "${env:CHPLANE_API_PORT:-8080}",
        description = "Port of the API (env CHPLANE_API_PORT; default ${DEFAULT-VALUE}).")
    int apiPort;

    @Option(
        names = "--api-host",
        defaultValue = "${env:CHPLANE_API_HOST:-127.0.0.1}",
        description =
            "Address the API listens on (env CHPLANE_API_HOST; default ${DEFAULT-VALUE}).")
    String apiHost;

    @Option(
        names = "--advertise-host",
        defaultValue = "${env:CHPLANE_ADVERTISE_HOST:-localhost}",
        description =
            "Host name in service endpoints and TLS certificates (env CHPLANE_ADVERTISE_HOST; default ${DEFAULT-VALUE}).")
    String advertiseHost;

    @Option(
        names = "--clickhouse-server",
        defaultValue = "${env:CHPLANE_CLICKHOUSE_SERVER}",
        description =
            "Path of clickhouse-server (env CHPLANE_CLICKHOUSE_SERVER; default: search PATH, /usr/sbin, /usr/bin).")
    Path clickhouseServer;

    @Option(
        names = "--backup-storage",
        defaultValue = "${env:CHPLANE_BACKUP_STORAGE}",
        description =
            "Where backups go: a directory, or s3://bucket/prefix (env CHPLANE_BACKUP_STORAGE; default DATA_DIR/backups).")
    String backupStorage;

    @Option(
        names = "--backup-hour-seconds",
        defaultValue = "${env:CHPLANE_BACKUP_HOUR_SECONDS:-3600}",
        description =
            "How many seconds an hour of the backup schedule lasts; shorten it for tests and demos"
                + " (env CHPLANE_BACKUP_HOUR_SECONDS; default ${DEFAULT-VALUE}).")
    double backupHourSeconds;

    @Option(
        names = "--pipe-failure-window-seconds",
        defaultValue = "${env:CHPLANE_PIPE_FAILURE_WINDOW_SECONDS:-900}",
        description =
            "How long a ClickPipe retries an unreachable source or destination before it is Failed"
                + " (env CHPLANE_PIPE_FAILURE_WINDOW_SECONDS; default ${DEFAULT-VALUE}).")
    int pipeFailureWindowSeconds;

    @Option(
        names = "--idle-minute-seconds",
        defaultValue = "${env:CHPLANE_IDLE_MINUTE_SECONDS:-60}",
        description =
            "How many seconds a minute of a service's idleTimeoutMinutes lasts; shorten it for tests and"
                + " demos (env CHPLANE_IDLE_MINUTE_SECONDS; default ${DEFAULT-VALUE}).")
    double idleMinuteSeconds;

    @Option(
        names = "--query-max-execution-seconds",
        defaultValue = "${env:CHPLANE_QUERY_MAX_EXECUTION_SECONDS:-60}",
        description =
            "How long one read-only Query API query may run, in seconds; 0 = no limit"
                + " (env CHPLANE_QUERY_MAX_EXECUTION_SECONDS; default ${DEFAULT-VALUE}).")
    long queryMaxExecutionSeconds;

    @Option(
        names = "--query-max-memory-bytes",
        defaultValue = "${env:CHPLANE_QUERY_MAX_MEMORY_BYTES:-4294967296}",
        description =
            "How much memory one read-only Query API query may use; 0 = no limit"
                + " (env CHPLANE_QUERY_MAX_MEMORY_BYTES; default ${DEFAULT-VALUE}).")
    long queryMaxMemoryBytes;

    @Option(
        names = "--query-max-rows-to-read",
        defaultValue = "${env:CHPLANE_QUERY_MAX_ROWS_TO_READ:-10000000000}",
        description =
            "How many rows one read-only Query API query may read; 0 = no limit"
                + " (env CHPLANE_QUERY_MAX_ROWS_TO_READ; default ${DEFAULT-VALUE}).")
    long queryMaxRowsToRead;

    @Option(
        names = "--min-free-disk-mb",
        defaultValue = "${env:CHPLANE_MIN_FREE_DISK_MB:-512}",
        description =
            "Free space (MiB) chplane keeps on the disk of its data directory and of a backup directory:"
                + " below it new services and backups are refused, below twice as much a warning is logged; 0 turns"
                + " this off (env CHPLANE_MIN_FREE_DISK_MB; default ${DEFAULT-VALUE}).")
    long minFreeDiskMb;

    @Option(
        names = "--quarantine-unknown-services",
        defaultValue = "${env:CHPLANE_QUARANTINE_UNKNOWN_SERVICES:-false}",
        description =
            "Move service directories that belong to no service in the metadata store to DATA_DIR/quarantine"
                + " (their servers stopped first) and start even on an empty store; without it they are left alone, and"
                + " an empty store with service directories is refused (env CHPLANE_QUARANTINE_UNKNOWN_SERVICES).")
    boolean quarantineUnknownServices;

    @Option(
        names = "--accept-missing-service-files",
        defaultValue = "${env:CHPLANE_ACCEPT_MISSING_SERVICE_FILES:-false}",
        description =
            "Start even though services that had files have none under DATA_DIR/services; they are marked"
                + " failed, never made again empty (env CHPLANE_ACCEPT_MISSING_SERVICE_FILES).")
    boolean acceptMissingServiceFiles;

    @Option(
        names = "--zookeeper",
        defaultValue = "${env:CHPLANE_ZOOKEEPER:-}",
        description =
            "The ZooKeeper ensemble of the replicated servers, host:port,... of one you run (env"
                + " CHPLANE_ZOOKEEPER; default: chplane runs its own nodes under DATA_DIR/zookeeper).")
    String zookeeper;

    @Option(
        names = "--zookeeper-nodes",
        defaultValue = "${env:CHPLANE_ZOOKEEPER_NODES:-1}",
        description =
            "How many ZooKeeper nodes chplane runs when --zookeeper is not given: 1, or 3 for a quorum"
                + " that survives the loss of one (env CHPLANE_ZOOKEEPER_NODES; default ${DEFAULT-VALUE}).")
    String zookeeperNodes;

    @Option(
        names = "--autoscaling-window-seconds",
        defaultValue = "${env:CHPLANE_AUTOSCALING_WINDOW_SECONDS:-60}",
        description =
            "Horizontal autoscaling: the window the replicas' CPU load is averaged over, in seconds"
                + " (env CHPLANE_AUTOSCALING_WINDOW_SECONDS; default ${DEFAULT-VALUE}).")
    long autoscalingWindowSeconds;

    @Option(
        names = "--autoscaling-scale-up-above",
        defaultValue = "${env:CHPLANE_AUTOSCALING_SCALE_UP_ABOVE:-0.70}",
        description =
            "Horizontal autoscaling: a replica is added above this average load, in cores per replica"
                + " (env CHPLANE_AUTOSCALING_SCALE_UP_ABOVE; default ${DEFAULT-VALUE}).")
    double autoscalingScaleUpAbove;

    @Option(
        names = "--autoscaling-scale-down-below",
        defaultValue = "${env:CHPLANE_AUTOSCALING_SCALE_DOWN_BELOW:-0.20}",
        description =
            "Horizontal autoscaling: a replica is removed below this average load, in cores per"
                + " replica (env CHPLANE_AUTOSCALING_SCALE_DOWN_BELOW; default ${DEFAULT-VALUE}).")
    double autoscalingScaleDownBelow;

    @Option(
        names = "--autoscaling-cool-down-seconds",
        defaultValue = "${env:CHPLANE_AUTOSCALING_COOL_DOWN_SECONDS:-300}",
        description =
            "Horizontal autoscaling: the least time between two changes of a service's replica count,"
                + " in seconds (env CHPLANE_AUTOSCALING_COOL_DOWN_SECONDS; default ${DEFAULT-VALUE}).")
    long autoscalingCoolDownSeconds;

    /**
     * The load policy of the autoscaling options; a message for the operator when they are wrong.
     */
    LoadPolicy loadPolicy() {
      if (autoscalingWindowSeconds < 1 || autoscalingWindowSeconds > 86_400) {
        throw new IllegalArgumentException(
            "--autoscaling-window-seconds must be between 1 and 86400");
      }
      if (autoscalingCoolDownSeconds < 1 || autoscalingCoolDownSeconds > 86_400) {
        throw new IllegalArgumentException(
            "--autoscaling-cool-down-seconds must be between 1 and 86400");
      }
      if (!(autoscalingScaleDownBelow >= 0
          && autoscalingScaleDownBelow < autoscalingScaleUpAbove
          && autoscalingScaleUpAbove <= 1000)) {
        throw new IllegalArgumentException(
            "--autoscaling-scale-down-below must be at least 0 and below"
                + " --autoscaling-scale-up-above (at most 1000)");
      }
      return new LoadPolicy(
          Duration.ofSeconds(autoscalingWindowSeconds),
          autoscalingScaleUpAbove,
          autoscalingScaleDownBelow,
          Duration.ofSeconds(autoscalingCoolDownSeconds));
    }

    @Override
    public Integer call() throws InterruptedException {
      if (!(backupHourSeconds >= 0.1)) {
        System.err.println("chplane: --backup-hour-seconds must be at least 0.1");
        return 2;
      }
      if (queryMaxExecutionSeconds < 0 || queryMaxMemoryBytes < 0 || queryMaxRowsToRead < 0) {
        System.err.println(
            "chplane: --query-max-execution-seconds, --query-max-memory-bytes and"
                + " --query-max-rows-to-read must not be negative");
        return 2;
      }
      if (minFreeDiskMb < 0 || minFreeDiskMb > 1L << 40) {
        System.err.println("chplane: --min-free-disk-mb must be between 0 and " + (1L << 40));
        return 2;
      }
      LoadPolicy loadPolicy;
      try {
        loadPolicy = loadPolicy();
      } catch (IllegalArgumentException e) {
        System.err.println("chplane: " + e.getMessage());
        return 2;
      }
      int nodes;
      if ("1".equals(zookeeperNodes.strip()) || "3".equals(zookeeperNodes.strip())) {
        nodes = Integer.parseInt(zookeeperNodes.strip());
      } else {
        System.err.println(
            "chplane: --zookeeper-nodes must be 1 or 3, not '" + zookeeperNodes.strip() + "'");
        return 2;
      }
      String ensemble = zookeeper == null ? "" : zookeeper.strip();
      if (!ensemble.isEmpty()) {
        try {
          ExternalZooKeeper.parse(ensemble);
        } catch (IllegalArgumentException e) {
          System.err.println("chplane: --zookeeper: " + e.getMessage());
          return 2;
        }
      }
      ServerConfig config =
          new ServerConfig(
              installation.dataDir,
              installation.store,
              apiHost,
              apiPort,
              advertiseHost,
              clickhouseServer,
              Duration.ofSeconds(30),
              Duration.ofSeconds(60),
              System.getenv("CHPLANE_BOOTSTRAP_ORG_ID"),
              System.getenv("CHPLANE_BOOTSTRAP_KEY_ID"),
              System.getenv("CHPLANE_BOOTSTRAP_KEY_SECRET"),
              backupStorage,
              Duration.ofMillis(Math.round(backupHourSeconds * 1000)),
              Duration.ofSeconds(Math.max(1, pipeFailureWindowSeconds)),
              Duration.ofMillis(Math.max(100, Math.round(idleMinuteSeconds * 1000))),
              new QueryLimits(queryMaxExecutionSeconds, queryMaxMemoryBytes, queryMaxRowsToRead),
              minFreeDiskMb * 1024 * 1024,
              quarantineUnknownServices,
              acceptMissingServiceFiles,
              ensemble,
              nodes,
              loadPolicy);
      ChplaneServer server;
      try {
        server = ChplaneServer.start(config, System.out);
      } catch (RuntimeException e) {
        // one sentence for the operator; the stack trace only helps a developer, at debug level
        log.debug("chplane could not start", e);
        System.err.println("chplane: " + startFailure(e));
        return 2;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.close();
                    stopped.countDown();
                  },
                  "shutdown"));
      stopped.await();
      return 0;
    }
  }
}
