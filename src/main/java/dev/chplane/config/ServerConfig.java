package dev.chplane.config;

import dev.chplane.provision.QueryLimits;
import dev.chplane.reconcile.LoadPolicy;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How one chplane process runs, read once at start (command line, then environment, then defaults).
 *
 * @param dataDir everything chplane keeps: metadata, service files, TLS material
 * @param store metadata store: {@code embedded} (or null) for H2 under {@code dataDir/meta}, or a
 *     {@code postgresql://user:password@host:port/database} URL
 * @param apiHost address the API listens on
 * @param apiPort port of the API (0 = any free port, for tests)
 * @param advertiseHost host name put in service endpoints and in the TLS certificate
 * @param clickhouseServer path of clickhouse-server; null = search PATH, /usr/sbin, /usr/bin
 * @param reconcileInterval the period of the reconciler's drift check: how often every service gets
 *     a pass even when no event asked for one (30 s; shorter in tests)
 * @param startTimeout how long a server may take to answer its first query
 * @param bootstrapOrgId organization id to create at first start (null = random)
 * @param bootstrapKeyId key id to create at first start (null = random)
 * @param bootstrapKeySecret key secret to create at first start (null = random)
 * @param backupStorage where backups go: null for {@code dataDir/backups}, a directory path, or an
 *     {@code s3://} URL
 * @param backupHour how long an "hour" of the backup schedule lasts: an hour, or seconds for tests
 * @param pipeFailureWindow how long a pipe retries an unreachable source or destination before it
 *     fails
 * @param idleMinute how long a minute of {@code idleTimeoutMinutes} lasts: a minute, or less for
 *     tests
 * @param queryLimits what one read-only Query API query may use
 * @param minFreeDiskBytes below this much free space on the disk of the data directory (or of a
 *     backup directory), new services and backups are refused; below twice as much, a warning is
 *     logged
 * @param quarantineUnknownServices move service directories the store does not know to {@code
 *     dataDir/quarantine} (their servers stopped) instead of leaving them, and start even on an
 *     empty store while such directories exist
 * @param acceptMissingServiceFiles start even though services that had files have none in {@code
 *     dataDir/services}; they are marked failed, never made again empty
 * @param zookeeper the ZooKeeper ensemble of the replicated servers: {@code host:port,...} of one
 *     the user runs, or empty (or null) for chplane's own nodes under {@code dataDir/zookeeper}
 * @param zookeeperNodes how many nodes chplane's own ensemble has: 1, or 3 for a quorum
 * @param loadPolicy when horizontal autoscaling changes a replica count: window, thresholds,
 *     cool-down
 */
public record ServerConfig(
    Path dataDir,
    String store,
    String apiHost,
    int apiPort,
    String advertiseHost,
    Path clickhouseServer,
    Duration reconcileInterval,
    Duration startTimeout,
    String bootstrapOrgId,
    String bootstrapKeyId,
    String bootstrapKeySecret,
    String backupStorage,
    Duration backupHour,
    Duration pipeFailureWindow,
    Duration idleMinute,
    QueryLimits queryLimits,
    long minFreeDiskBytes,
    boolean quarantineUnknownServices,
    boolean acceptMissingServiceFiles,
    String zookeeper,
    int zookeeperNodes,
    LoadPolicy loadPolicy) {

  /** With the default load policy of horizontal autoscaling. */
  public ServerConfig(
      Path dataDir,
      String store,
      String apiHost,
      int apiPort,
      String advertiseHost,
      Path clickhouseServer,
      Duration reconcileInterval,
      Duration startTimeout,
      String bootstrapOrgId,
      String bootstrapKeyId,
      String bootstrapKeySecret,
      String backupStorage,
      Duration backupHour,
      Duration pipeFailureWindow,
      Duration idleMinute,
      QueryLimits queryLimits,
      long minFreeDiskBytes,
      boolean quarantineUnknownServices,
      boolean acceptMissingServiceFiles,
      String zookeeper,
      int zookeeperNodes) {
    this(
        dataDir,
        store,
        apiHost,
        apiPort,
        advertiseHost,
        clickhouseServer,
        reconcileInterval,
        startTimeout,
        bootstrapOrgId,
        bootstrapKeyId,
        bootstrapKeySecret,
        backupStorage,
        backupHour,
        pipeFailureWindow,
        idleMinute,
        queryLimits,
        minFreeDiskBytes,
        quarantineUnknownServices,
        acceptMissingServiceFiles,
        zookeeper,
        zookeeperNodes,
        LoadPolicy.DEFAULT);
  }

  /** With chplane's own ZooKeeper, one node. */
  public ServerConfig(
      Path dataDir,
      String store,
      String apiHost,
      int apiPort,
      String advertiseHost,
      Path clickhouseServer,
      Duration reconcileInterval,
      Duration startTimeout,
      String bootstrapOrgId,
      String bootstrapKeyId,
      String bootstrapKeySecret,
      String backupStorage,
      Duration backupHour,
      Duration pipeFailureWindow,
      Duration idleMinute,
      QueryLimits queryLimits,
      long minFreeDiskBytes,
      boolean quarantineUnknownServices,
      boolean acceptMissingServiceFiles) {
    this(
        dataDir,
        store,
        apiHost,
        apiPort,
        advertiseHost,
        clickhouseServer,
        reconcileInterval,
        startTimeout,
        bootstrapOrgId,
        bootstrapKeyId,
        bootstrapKeySecret,
        backupStorage,
        backupHour,
        pipeFailureWindow,
        idleMinute,
        queryLimits,
        minFreeDiskBytes,
        quarantineUnknownServices,
        acceptMissingServiceFiles,
        "",
        1);
  }

  /** True when chplane runs its own ZooKeeper nodes. */
  public boolean managedZooKeeper() {
    return zookeeper == null || zookeeper.isBlank();
  }

  /**
   * Where ClickHouse servers listen: loopback while the advertised host is local, every address
   * otherwise.
   */
  public String serviceListenHost() {
    boolean local =
        advertiseHost.equals("localhost")
            || advertiseHost.startsWith("127.")
            || advertiseHost.equals("::1");
    return local ? "127.0.0.1" : "0.0.0.0";
  }
}
