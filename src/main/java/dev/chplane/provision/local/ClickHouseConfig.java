package dev.chplane.provision.local;

import dev.chplane.provision.QueryLimits;
import dev.chplane.provision.QueryUser;
import dev.chplane.provision.ServerVersion;
import dev.chplane.provision.ServiceDeployment;
import java.nio.file.Path;
import java.util.List;

/**
 * Generates a service's {@code config.xml} and {@code users.xml}. Both use the {@code <yandex>}
 * root and only settings that 18.16 and current releases accept. The server opens only the two TLS
 * ports of the service's endpoints; chplane itself queries through the HTTPS port as its internal
 * user, and Query API calls run as the {@link QueryUser}s; all three are admitted from loopback
 * only.
 *
 * <p>Every server is a replica of its service's cluster, one replica or many ({@link Replication}):
 * it has the macros {@code shard} and {@code replica}, a cluster {@code default} of one shard that
 * lists the service's replicas by their plain native port on loopback (18.16's distributed DDL
 * finds its own host in it by that port), distributed DDL, the ZooKeeper ensemble with the
 * service's own root, and interserver replication on loopback with credentials users never see.
 */
public final class ClickHouseConfig {
  public static final String INTERNAL_USER = "chplane_internal";

  /** The user the replicas of a service log in to each other as (the cluster definition). */
  public static final String CLUSTER_USER = "chplane_cluster";

  /** The user of interserver replication (fetches of parts between replicas). */
  public static final String INTERSERVER_USER = "chplane_interserver";

  /**
   * The profile of the {@code default} user of a read-only service ({@link
   * ServiceDeployment#readOnly}): the {@code default} profile's limits and {@code readonly=1}.
   */
  public static final String READ_ONLY_DEFAULT_PROFILE = "default_readonly";

  /** The cluster of a service's replicas, as {@code ON CLUSTER} names it. */
  public static final String CLUSTER = "default";

  /** Where distributed DDL tasks live, under the service's ZooKeeper root. */
  public static final String DDL_PATH = "/clickhouse/task_queue/ddl";

  /** ZooKeeper session timeout: a killed replica shows inactive to the others after this. */
  public static final int ZOOKEEPER_SESSION_TIMEOUT_MS = 10_000;

  /**
   * What makes a server one replica of its service: its replica name (unique in the warehouse), the
   * plain native ports of all the service's replicas (this one included), the passwords of {@link
   * #CLUSTER_USER} and {@link #INTERSERVER_USER} in clear (a server needs them to log in to the
   * others; derived, never shown), the ZooKeeper nodes and the service's root on them.
   */
  public record Replication(
      String replicaName,
      List<Integer> clusterTcpPorts,
      String clusterPassword,
      String interserverPassword,
      List<ZooKeeperNode> zookeeper,
      String zookeeperRoot) {
    public Replication {
      clusterTcpPorts = List.copyOf(clusterTcpPorts);
      zookeeper = List.copyOf(zookeeper);
    }
  }

  /**
   * The server's {@code max_connections}: on 18.16 (and later) the size of the one thread pool that
   * serves every connection of both ports, chplane's own included; a connection holds its thread
   * while it is open (a TLS handshake or a keep-alive wait too), and one that finds no thread waits
   * in a short queue. 1024 is ClickHouse's own default.
   */
  public static final int MAX_CONNECTIONS = 1024;

  /**
   * Connections of {@link #MAX_CONNECTIONS} that only chplane uses (readiness checks, backups,
   * configuration, pipes, metrics, the Query API); the edge forwards at most the rest. The Query
   * API holds at most one connection per running query, and its two users run at most {@link
   * #QUERY_USER_CONCURRENT_QUERIES} queries each, so even a busy Query API leaves room for the
   * rest. Queries have a reserve of their own: see {@link #DEFAULT_USER_CONCURRENT_QUERIES}.
   */
  public static final int CHPLANE_RESERVED_CONNECTIONS = 128;

  /** The server's {@code max_concurrent_queries}: queries of every user together. */
  public static final int MAX_CONCURRENT_QUERIES = 100;

  /**
   * Queries at once of the service's {@code default} user; with the Query API users' share, 20 stay
   * for chplane.
   */
  public static final int DEFAULT_USER_CONCURRENT_QUERIES = 60;

  /** Queries at once of each Query API user ({@link QueryUser}). */
  public static final int QUERY_USER_CONCURRENT_QUERIES = 10;

  private final Path serviceDir;
  private final String listenHost;
  private final Path certificate;
  private final Path privateKey;
  private final ServerVersion version;

  public ClickHouseConfig(
      Path serviceDir,
      String listenHost,
      Path certificate,
      Path privateKey,
      ServerVersion version) {
    this.serviceDir = serviceDir.toAbsolutePath();
    this.listenHost = listenHost;
    this.certificate = certificate.toAbsolutePath();
    this.privateKey = privateKey.toAbsolutePath();
    this.version = version;
  }

  /**
   * The server's config.xml; it listens on {@code ports} (its internal ports) and is the replica
   * {@code replication} describes.
   */
  public String configXml(ServiceDeployment d, ReplicaPorts ports, Replication replication) {
    String dir = serviceDir.toString();
    XmlElement root = XmlElement.of("yandex");
    root.child("logger")
        .add("level", "information")
        .add("log", dir + "/log/server.log")
        .add("errorlog", dir + "/log/server.err.log")
        .add("size", "100M")
        .add("count", 2);
    root.add("listen_host", listenHost)
        .add("https_port", ports.https())
        .add("tcp_port_secure", ports.nativeSecure())
        .add("tcp_port", ports.tcp())
        .add("interserver_http_port", ports.interserver())
        .add("interserver_http_host", "127.0.0.1");
    root.child("interserver_http_credentials")
        .add("user", INTERSERVER_USER)
        .add("password", replication.interserverPassword());
    root.child("openSSL")
        .child("server")
        .add("certificateFile", certificate)
        .add("privateKeyFile", privateKey)
        .add("verificationMode", "none")
        .add("loadDefaultCAFile", false)
        .add("cacheSessions", true)
        .add("disableProtocols", "sslv2,sslv3")
        .add("preferServerCiphers", true);
    // an idle keep-alive connection holds up a stop until it times out; chplane's client drops its
    // idle connections before it does, so that no request meets a connection being closed (see
    // ClickHouseHttp)
    root.add("keep_alive_timeout", ClickHouseHttp.SERVER_KEEP_ALIVE.toSeconds())
        .add("max_connections", MAX_CONNECTIONS)
        .add("max_concurrent_queries", MAX_CONCURRENT_QUERIES)
        .add("uncompressed_cache_size", 268435456)
        .add("mark_cache_size", 268435456);
    if (version.hasServerMemoryLimit()) {
      root.add("max_server_memory_usage", d.memoryLimitBytes());
    }
    root.add("path", dir + "/data/")
        .add("tmp_path", dir + "/tmp/")
        .add("user_files_path", dir + "/user_files/")
        .add("format_schema_path", dir + "/format_schemas/")
        .add("users_config", "users.xml")
        .add("default_profile", "default")
        .add("default_database", "default")
        .add("mlock_executable", false)
        .add("timezone", "UTC")
        // the server's own umask (027 by default): its data, logs and preprocessed configs are
        // owner-only
        .add("umask", "077");
    root.child("kafka").add("auto_offset_reset", "smallest");
    replication(root, replication);
    if (version.hasUsersXmlGrants()) {
      // otherwise any user may read any system table (system.processes too) whatever its grants
      root.child("access_control_improvements").add("select_from_system_db_requires_grant", true);
    }
    return root.document(
        "generated by chplane for service " + d.serviceId() + "; rewritten on every change");
  }

  private static void replication(XmlElement root, Replication r) {
    // without ZooKeeper (NoCoordination) a server has neither replicated tables nor distributed DDL
    if (!r.zookeeper().isEmpty()) {
      XmlElement zookeeper = root.child("zookeeper");
      for (ZooKeeperNode node : r.zookeeper()) {
        zookeeper.child("node").add("host", node.host()).add("port", node.port());
      }
      zookeeper
          .add("session_timeout_ms", ZOOKEEPER_SESSION_TIMEOUT_MS)
          .add("root", r.zookeeperRoot());
      root.child("distributed_ddl").add("path", DDL_PATH);
    }
    root.child("macros").add("shard", 1).add("replica", r.replicaName());
    XmlElement shard =
        root.child("remote_servers")
            .child(CLUSTER)
            .child("shard")
            .add("internal_replication", true);
    for (int port : r.clusterTcpPorts()) {
      shard
          .child("replica")
          .add("host", "127.0.0.1")
          .add("port", port)
          .add("user", CLUSTER_USER)
          .add("password", r.clusterPassword());
    }
  }

  /**
   * The password hashes of the Query API users ({@link QueryUser}) and the limits of the read-only
   * one.
   */
  public record QueryUsers(
      String readOnlyPasswordSha256Hex,
      String adminPasswordSha256Hex,
      QueryLimits readOnlyLimits) {}

  /**
   * The server's users.xml: the service's {@code default} user, chplane's internal user, the
   * cluster user ({@code clusterPasswordSha256Hex}) and the Query API users.
   */
  public String usersXml(
      ServiceDeployment d,
      String internalPasswordSha256Hex,
      String clusterPasswordSha256Hex,
      QueryUsers queryUsers) {
    XmlElement root = XmlElement.of("yandex");
    XmlElement profiles = root.child("profiles");
    // users' queries never take the last MAX_CONCURRENT_QUERIES - 60 - 2 * 10 = 20 slots: chplane's
    // backups, readiness checks and metrics run whatever clients do (18.16 lets a user that is not
    // read-only lift its own cap with SET; it guards against overload, not against the password
    // holder)
    // distributed DDL runs on each replica under the default profile, whoever sent it: a pipe's
    // LowCardinality destination table created ON CLUSTER needs the setting there
    lowCardinality(serverWide(profiles.child("default"), d))
        .add("max_concurrent_queries_for_user", DEFAULT_USER_CONCURRENT_QUERIES);
    lowCardinality(serverWide(profiles.child("chplane"), d));
    QueryLimits limits = queryUsers.readOnlyLimits();
    XmlElement readOnly = profiles.child(QueryUser.READ_ONLY.userName()).add("readonly", 1);
    serverWide(readOnly, d)
        .add("max_concurrent_queries_for_user", QUERY_USER_CONCURRENT_QUERIES)
        .add("max_execution_time", limits.maxExecutionSeconds())
        .add("max_memory_usage", limits.maxMemoryUsageBytes())
        .add("max_rows_to_read", limits.maxRowsToRead());
    XmlElement queryAdmin =
        lowCardinality(serverWide(profiles.child(QueryUser.ADMIN.userName()), d))
            .add("max_concurrent_queries_for_user", QUERY_USER_CONCURRENT_QUERIES);
    if (d.readOnly()) {
      // a read-only secondary: the users may only read. The profile "default" stays writable: the
      // cluster user and background work (replication, distributed DDL) run with it
      serverWide(profiles.child(READ_ONLY_DEFAULT_PROFILE), d)
          .add("max_concurrent_queries_for_user", DEFAULT_USER_CONCURRENT_QUERIES)
          .add("readonly", 1);
      queryAdmin.add("readonly", 1);
    }

    XmlElement users = root.child("users");
    XmlElement defaultUser =
        users.child("default").add("password_sha256_hex", d.passwordSha256Hex());
    XmlElement networks = defaultUser.child("networks");
    d.networks().forEach(network -> networks.add("ip", network));
    defaultUser
        .add("profile", d.readOnly() ? READ_ONLY_DEFAULT_PROFILE : "default")
        .add("quota", "default");
    users.add(loopbackUser(INTERNAL_USER, internalPasswordSha256Hex, "chplane"));
    users.add(loopbackUser(CLUSTER_USER, clusterPasswordSha256Hex, "default"));
    users.add(
        queryGrants(
            loopbackUser(
                QueryUser.READ_ONLY.userName(),
                queryUsers.readOnlyPasswordSha256Hex(),
                QueryUser.READ_ONLY.userName()),
            "SELECT, SHOW, dictGet"));
    users.add(
        queryGrants(
            loopbackUser(
                QueryUser.ADMIN.userName(),
                queryUsers.adminPasswordSha256Hex(),
                QueryUser.ADMIN.userName()),
            "SELECT, INSERT, ALTER, CREATE, DROP, TRUNCATE, OPTIMIZE, SHOW, dictGet"));
    root.child("quotas").child("default");
    return root.document("generated by chplane; rewritten on every change");
  }

  /** 18.16 has no server-wide memory limit; this one caps all queries of the server together. */
  private XmlElement serverWide(XmlElement profile, ServiceDeployment d) {
    return version.hasServerMemoryLimit()
        ? profile
        : profile.add("max_memory_usage_for_all_queries", d.memoryLimitBytes());
  }

  /** 18.16 creates LowCardinality columns (pipe destination tables) only with this setting. */
  private XmlElement lowCardinality(XmlElement profile) {
    return version.major() < 19
        ? profile.add("allow_experimental_low_cardinality_type", 1)
        : profile;
  }

  private static XmlElement loopbackUser(String name, String passwordSha256Hex, String profile) {
    XmlElement user = XmlElement.of(name).add("password_sha256_hex", passwordSha256Hex);
    user.child("networks").add("ip", "127.0.0.1").add("ip", "::1");
    return user.add("profile", profile).add("quota", "default");
  }

  /**
   * On servers that take grants in users.xml, a Query API user gets {@code privileges} on every
   * table but not {@code SELECT} on {@code system.processes} (other callers' SQL), nor {@code KILL
   * QUERY}. 18.16 has no grants: every user may read {@code system.processes} there.
   */
  private XmlElement queryGrants(XmlElement user, String privileges) {
    if (version.hasUsersXmlGrants()) {
      user.child("grants")
          .add("query", "GRANT " + privileges + " ON *.*")
          .add("query", "REVOKE SELECT ON system.processes");
    }
    return user;
  }
}
