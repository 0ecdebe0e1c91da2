package dev.chplane.provision.local;

import dev.chplane.provision.QueryLimits;
import dev.chplane.provision.QueryUser;
import dev.chplane.provision.ServerVersion;
import dev.chplane.provision.ServiceDeployment;
import java.nio.file.Path;

/**
 * Generates a service's {@code config.xml} and {@code users.xml}. Both use the {@code <yandex>}
 * root and only settings that 18.16 and current releases accept. The server opens only the two TLS
 * ports of the service's endpoints; chplane itself queries through the HTTPS port as its internal
 * user, and Query API calls run as the {@link QueryUser}s; all three are admitted from loopback
 * only.
 */
public final class ClickHouseConfig {
  public static final String INTERNAL_USER = "chplane_internal";

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

  /** The server's config.xml; it listens on {@code ports} (its internal ports). */
  public String configXml(ServiceDeployment d, ReplicaPorts ports) {
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
        .add("tcp_port_secure", ports.nativeSecure());
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
    if (version.hasUsersXmlGrants()) {
      // otherwise any user may read any system table (system.processes too) whatever its grants
      root.child("access_control_improvements").add("select_from_system_db_requires_grant", true);
    }
    return root.document(
        "generated by chplane for service " + d.serviceId() + "; rewritten on every change");
  }

  /**
   * The password hashes of the Query API users ({@link QueryUser}) and the limits of the read-only
   * one.
   */
  public record QueryUsers(
      String readOnlyPasswordSha256Hex,
      String adminPasswordSha256Hex,
      QueryLimits readOnlyLimits) {}

  public String usersXml(
      ServiceDeployment d, String internalPasswordSha256Hex, QueryUsers queryUsers) {
    XmlElement root = XmlElement.of("yandex");
    XmlElement profiles = root.child("profiles");
    // users' queries never take the last MAX_CONCURRENT_QUERIES - 60 - 2 * 10 = 20 slots: chplane's
    // backups, readiness checks and metrics run whatever clients do (18.16 lets a user that is not
    // read-only lift its own cap with SET; it guards against overload, not against the password
    // holder)
    serverWide(profiles.child("default"), d)
        .add("max_concurrent_queries_for_user", DEFAULT_USER_CONCURRENT_QUERIES);
    lowCardinality(serverWide(profiles.child("chplane"), d));
    QueryLimits limits = queryUsers.readOnlyLimits();
    XmlElement readOnly = profiles.child(QueryUser.READ_ONLY.userName()).add("readonly", 1);
    serverWide(readOnly, d)
        .add("max_concurrent_queries_for_user", QUERY_USER_CONCURRENT_QUERIES)
        .add("max_execution_time", limits.maxExecutionSeconds())
        .add("max_memory_usage", limits.maxMemoryUsageBytes())
        .add("max_rows_to_read", limits.maxRowsToRead());
    lowCardinality(serverWide(profiles.child(QueryUser.ADMIN.userName()), d))
        .add("max_concurrent_queries_for_user", QUERY_USER_CONCURRENT_QUERIES);

    XmlElement users = root.child("users");
    XmlElement defaultUser =
        users.child("default").add("password_sha256_hex", d.passwordSha256Hex());
    XmlElement networks = defaultUser.child("networks");
    d.networks().forEach(network -> networks.add("ip", network));
    defaultUser.add("profile", "default").add("quota", "default");
    users.add(loopbackUser(INTERNAL_USER, internalPasswordSha256Hex, "chplane"));
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
