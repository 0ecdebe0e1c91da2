package dev.chplane.store;

import dev.chplane.domain.Activity;
import dev.chplane.domain.ActivityType;
import dev.chplane.domain.ApiKey;
import dev.chplane.domain.Backup;
import dev.chplane.domain.BackupStatus;
import dev.chplane.domain.BackupType;
import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.Credentials;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Organization;
import dev.chplane.domain.PipeState;
import dev.chplane.domain.QueryEndpoint;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServicePorts;
import dev.chplane.domain.ServiceState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The column lists of chplane's tables and the conversions between their rows and domain records.
 */
final class Rows {
  static final String ORGANIZATION = "id, name, created_at, enable_core_dumps";
  static final String KEY =
      "id, organization_id, name, key_id_sha256, key_suffix, secret_sha256, roles, state,"
          + " created_at, expire_at, used_at, ip_access_list, version";
  static final String SERVICE =
      "id, organization_id, created_at, spec, state, desired_state, failure_reason,"
          + " clickhouse_version, password_sha256, double_sha1, https_port, native_secure_port, version";

  /**
   * The local provisioner's columns of a service row (see {@link ServerPorts}); NULL in rows older
   * than them.
   */
  static final String SERVER_PORTS = "internal_https_port, internal_native_secure_port";

  static final String BACKUP =
      "id, organization_id, service_id, service_region, status, type, chain_id, started_at,"
          + " finished_at, size_in_bytes, backup_name, expires_at, error";
  static final String PIPE =
      "id, organization_id, service_id, spec, credentials, state, desired_state,"
          + " failure_reason, created_at, updated_at, version";
  static final String QUERY_ENDPOINT =
      "id, organization_id, service_id, roles, open_api_keys, allowed_origins,"
          + " created_at, updated_at";
  static final String ACTIVITY =
      "id, created_at, type, actor_type, actor_id, actor_details, actor_ip_address,"
          + " user_agent, organization_id, service_id, target_key_id, key_update_type";

  private final SpecCodec json = new SpecCodec();

  @FunctionalInterface
  interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  Organization organization(ResultSet rs) throws SQLException {
    return new Organization(
        rs.getObject(1, UUID.class), rs.getString(2), instant(rs, 3), rs.getBoolean(4));
  }

  ApiKey apiKey(ResultSet rs) throws SQLException {
    String roles = rs.getString(7);
    return new ApiKey(
        rs.getObject(1, UUID.class),
        rs.getObject(2, UUID.class),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        roles.isEmpty() ? List.of() : Arrays.asList(roles.split(",")),
        rs.getString(8),
        instant(rs, 9),
        instant(rs, 10),
        instant(rs, 11),
        json.readIpList(rs.getString(12)),
        rs.getLong(13));
  }

  Object[] apiKeyValues(ApiKey k) {
    return new Object[] {
      k.id(),
      k.organizationId(),
      k.name(),
      k.keyIdSha256Hex(),
      k.keySuffix(),
      k.secretSha256Hex(),
      String.join(",", k.roles()),
      k.state(),
      ts(k.createdAt()),
      ts(k.expireAt()),
      ts(k.usedAt()),
      json.writeIpList(k.ipAccessList()),
      k.version()
    };
  }

  String ipList(ApiKey k) {
    return json.writeIpList(k.ipAccessList());
  }

  Service service(ResultSet rs) throws SQLException {
    return new Service(
        rs.getObject(1, UUID.class),
        rs.getObject(2, UUID.class),
        instant(rs, 3),
        json.read(rs.getString(4)),
        stored(ServiceState.class, rs, 5),
        stored(DesiredState.class, rs, 6),
        rs.getString(7),
        rs.getString(8),
        new Credentials(rs.getString(9), rs.getString(10)),
        new ServicePorts(rs.getInt(11), rs.getInt(12)),
        rs.getLong(13));
  }

  Object[] serviceValues(Service s) {
    return new Object[] {
      s.id(),
      s.organizationId(),
      ts(s.createdAt()),
      json.write(s.spec()),
      s.state().name(),
      s.desiredState().name(),
      s.failureReason(),
      s.clickhouseVersion(),
      s.credentials().sha256Hex(),
      s.credentials().doubleSha1Hex(),
      s.ports().https(),
      s.ports().nativeSecure(),
      s.version()
    };
  }

  /** NULL (a row from before the columns existed) reads as 0: none recorded. */
  ServerPorts serverPorts(ResultSet rs) throws SQLException {
    return new ServerPorts(rs.getInt(1), rs.getInt(2));
  }

  String spec(Service s) {
    return json.write(s.spec());
  }

  Backup backup(ResultSet rs) throws SQLException {
    return new Backup(
        rs.getObject(1, UUID.class),
        rs.getObject(2, UUID.class),
        rs.getObject(3, UUID.class),
        rs.getString(4),
        stored(BackupStatus.class, rs, 5),
        stored(BackupType.class, rs, 6),
        rs.getObject(7, UUID.class),
        instant(rs, 8),
        instant(rs, 9),
        rs.getLong(10),
        rs.getString(11),
        instant(rs, 12),
        rs.getString(13));
  }

  Object[] backupValues(Backup b) {
    return new Object[] {
      b.id(),
      b.organizationId(),
      b.serviceId(),
      b.serviceRegion(),
      b.status().name(),
      b.type().name(),
      b.chainId(),
      ts(b.startedAt()),
      ts(b.finishedAt()),
      b.sizeInBytes(),
      b.backupName(),
      ts(b.expiresAt()),
      b.error()
    };
  }

  ClickPipe pipe(ResultSet rs) throws SQLException {
    return new ClickPipe(
        rs.getObject(1, UUID.class),
        rs.getObject(2, UUID.class),
        rs.getObject(3, UUID.class),
        json.readPipe(rs.getString(4)),
        rs.getString(5),
        stored(PipeState.class, rs, 6),
        stored(DesiredState.class, rs, 7),
        rs.getString(8),
        instant(rs, 9),
        instant(rs, 10),
        rs.getLong(11));
  }

  Object[] pipeValues(ClickPipe p) {
    return new Object[] {
      p.id(),
      p.organizationId(),
      p.serviceId(),
      json.writePipe(p.spec()),
      p.encryptedCredentials(),
      p.state().name(),
      p.desiredState().name(),
      p.failureReason(),
      ts(p.createdAt()),
      ts(p.updatedAt()),
      p.version()
    };
  }

  String pipeSpec(ClickPipe p) {
    return json.writePipe(p.spec());
  }

  QueryEndpoint queryEndpoint(ResultSet rs) throws SQLException {
    return new QueryEndpoint(
        rs.getObject(1, UUID.class),
        rs.getObject(2, UUID.class),
        rs.getObject(3, UUID.class),
        list(rs.getString(4)),
        list(rs.getString(5)).stream().map(UUID::fromString).toList(),
        rs.getString(6),
        instant(rs, 7),
        instant(rs, 8));
  }

  Object[] queryEndpointValues(QueryEndpoint q) {
    return new Object[] {
      q.id(),
      q.organizationId(),
      q.serviceId(),
      String.join(",", q.roles()),
      keyList(q),
      q.allowedOrigins(),
      ts(q.createdAt()),
      ts(q.updatedAt())
    };
  }

  static String keyList(QueryEndpoint q) {
    return String.join(",", q.openApiKeys().stream().map(UUID::toString).toList());
  }

  private static List<String> list(String commaSeparated) {
    return commaSeparated.isEmpty() ? List.of() : Arrays.asList(commaSeparated.split(","));
  }

  Activity activity(ResultSet rs) throws SQLException {
    return new Activity(
        rs.getObject(1, UUID.class),
        instant(rs, 2),
        stored(ActivityType.class, rs, 3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8),
        rs.getObject(9, UUID.class),
        rs.getObject(10, UUID.class),
        rs.getObject(11, UUID.class),
        rs.getString(12));
  }

  Object[] activityValues(Activity a) {
    return new Object[] {
      a.id(),
      ts(a.createdAt()),
      a.type().name(),
      a.actorType(),
      a.actorId(),
      a.actorDetails(),
      a.actorIpAddress(),
      a.userAgent(),
      a.organizationId(),
      a.serviceId(),
      a.targetKeyId(),
      a.keyUpdateType()
    };
  }

  static String placeholders(String columns) {
    return "?" + ", ?".repeat(columns.split(",").length - 1);
  }

  /**
   * An enum stored by its name (the names are pinned by {@code golden/stored-enum-names.txt}); a
   * name this chplane does not know, written by a newer one, fails naming the column.
   */
  static <E extends Enum<E>> E stored(Class<E> type, ResultSet rs, int column) throws SQLException {
    String name = rs.getString(column);
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new StoreException(
          "stored "
              + rs.getMetaData().getColumnLabel(column).toLowerCase(Locale.ROOT)
              + " '"
              + name
              + "' is not a "
              + type.getSimpleName()
              + " this chplane knows (written by a newer chplane?)",
          e);
    }
  }

  static OffsetDateTime ts(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  static <T> List<T> query(Connection c, String sql, Reader<T> reader, Object... args)
      throws SQLException {
    try (PreparedStatement st = prepare(c, sql, args);
        ResultSet rs = st.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(reader.read(rs));
      }
      return out;
    }
  }

  static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement st = prepare(c, sql, args)) {
      return st.executeUpdate();
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args)
      throws SQLException {
    PreparedStatement st = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      st.setObject(i + 1, args[i]);
    }
    return st;
  }
}
