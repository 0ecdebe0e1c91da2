package dev.chplane.store;

import dev.chplane.domain.ApiKey;
import dev.chplane.domain.Credentials;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Organization;
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
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** {@link MetadataStore} on plain JDBC; the schema is migrated by Flyway when the store opens. */
public class JdbcMetadataStore implements MetadataStore {
  private static final String SERVICE_COLUMNS =
      "id, organization_id, created_at, spec, state, desired_state, failure_reason, clickhouse_version,"
          + " password_sha256, double_sha1, https_port, native_secure_port, version";

  private static final String KEY_COLUMNS =
      "id, organization_id, name, key_id_sha256, key_suffix, secret_sha256, roles, state, created_at,"
          + " expire_at, used_at, ip_access_list, version";

  private final DataSource dataSource;
  private final Runnable onClose;
  private final SpecCodec specs = new SpecCodec();

  public JdbcMetadataStore(DataSource dataSource, Runnable onClose) {
    this.dataSource = dataSource;
    this.onClose = onClose;
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
  }

  @Override
  public void insertOrganization(Organization o) {
    update("INSERT INTO organizations (id, name, created_at, enable_core_dumps) VALUES (?, ?, ?, ?)",
        o.id(), o.name(), ts(o.createdAt()), o.enableCoreDumps());
  }

  @Override
  public Optional<Organization> findOrganization(UUID id) {
    return query("SELECT id, name, created_at, enable_core_dumps FROM organizations WHERE id = ?",
        this::organization, id).stream().findFirst();
  }

  @Override
  public List<Organization> listOrganizations() {
    return query("SELECT id, name, created_at, enable_core_dumps FROM organizations ORDER BY created_at",
        this::organization);
  }

  @Override
  public void updateOrganization(Organization o) {
    update("UPDATE organizations SET name = ?, enable_core_dumps = ? WHERE id = ?", o.name(), o.enableCoreDumps(), o.id());
  }

  @Override
  public void insertApiKey(ApiKey k) {
    update("INSERT INTO api_keys (" + KEY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        k.id(), k.organizationId(), k.name(), k.keyIdSha256Hex(), k.keySuffix(), k.secretSha256Hex(),
        String.join(",", k.roles()), k.state(), ts(k.createdAt()), ts(k.expireAt()), ts(k.usedAt()),
        specs.writeIpList(k.ipAccessList()), k.version());
  }

  @Override
  public Optional<ApiKey> findApiKey(UUID id) {
    return query("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE id = ?", this::apiKey, id).stream().findFirst();
  }

  @Override
  public Optional<ApiKey> findApiKeyByKeyIdHash(String keyIdSha256Hex) {
    return query("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE key_id_sha256 = ?", this::apiKey, keyIdSha256Hex)
        .stream().findFirst();
  }

  @Override
  public List<ApiKey> listApiKeys(UUID organizationId) {
    return query("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE organization_id = ? ORDER BY created_at, id",
        this::apiKey, organizationId);
  }

  @Override
  public ApiKey updateApiKey(ApiKey k) {
    int rows = update("UPDATE api_keys SET name = ?, roles = ?, state = ?, expire_at = ?, used_at = ?,"
            + " ip_access_list = ?, version = ? WHERE id = ? AND version = ?",
        k.name(), String.join(",", k.roles()), k.state(), ts(k.expireAt()), ts(k.usedAt()),
        specs.writeIpList(k.ipAccessList()), k.version() + 1, k.id(), k.version());
    if (rows == 1) {
      return k.withVersion(k.version() + 1);
    }
    if (findApiKey(k.id()).isEmpty()) {
      throw new NoSuchElementException("key " + k.id() + " is gone");
    }
    throw new StaleVersionException("key " + k.id() + " changed since version " + k.version());
  }

  @Override
  public void deleteApiKey(UUID id) {
    update("DELETE FROM api_keys WHERE id = ?", id);
  }

  @Override
  public void insertService(Service s) {
    update("INSERT INTO services (" + SERVICE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        s.id(), s.organizationId(), ts(s.createdAt()), specs.write(s.spec()), s.state().name(),
        s.desiredState().name(), s.failureReason(), s.clickhouseVersion(), s.credentials().sha256Hex(),
        s.credentials().doubleSha1Hex(), s.ports().https(), s.ports().nativeSecure(), s.version());
  }

  @Override
  public Optional<Service> findService(UUID id) {
    return query("SELECT " + SERVICE_COLUMNS + " FROM services WHERE id = ?", this::service, id)
        .stream().findFirst();
  }

  @Override
  public List<Service> listServices(UUID organizationId) {
    return query("SELECT " + SERVICE_COLUMNS + " FROM services WHERE organization_id = ? ORDER BY created_at, id",
        this::service, organizationId);
  }

  @Override
  public List<Service> listAllServices() {
    return query("SELECT " + SERVICE_COLUMNS + " FROM services ORDER BY created_at, id", this::service);
  }

  @Override
  public Service updateService(Service s) {
    int rows = update("UPDATE services SET spec = ?, state = ?, desired_state = ?, failure_reason = ?,"
            + " clickhouse_version = ?, password_sha256 = ?, double_sha1 = ?, version = ?"
            + " WHERE id = ? AND version = ?",
        specs.write(s.spec()), s.state().name(), s.desiredState().name(), s.failureReason(),
        s.clickhouseVersion(), s.credentials().sha256Hex(), s.credentials().doubleSha1Hex(),
        s.version() + 1, s.id(), s.version());
    if (rows == 1) {
      return s.withVersion(s.version() + 1);
    }
    if (findService(s.id()).isEmpty()) {
      throw new NoSuchElementException("service " + s.id() + " is gone");
    }
    throw new StaleVersionException("service " + s.id() + " changed since version " + s.version());
  }

  @Override
  public void deleteService(UUID id) {
    update("DELETE FROM services WHERE id = ?", id);
  }

  @Override
  public void close() {
    onClose.run();
  }

  private Organization organization(ResultSet rs) throws SQLException {
    return new Organization(rs.getObject(1, UUID.class), rs.getString(2), instant(rs, 3), rs.getBoolean(4));
  }

  private ApiKey apiKey(ResultSet rs) throws SQLException {
    String roles = rs.getString(7);
    return new ApiKey(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
        rs.getString(4), rs.getString(5), rs.getString(6),
        roles.isEmpty() ? List.of() : Arrays.asList(roles.split(",")), rs.getString(8),
        instant(rs, 9), instant(rs, 10), instant(rs, 11), specs.readIpList(rs.getString(12)), rs.getLong(13));
  }

  private Service service(ResultSet rs) throws SQLException {
    return new Service(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), instant(rs, 3),
        specs.read(rs.getString(4)), ServiceState.valueOf(rs.getString(5)),
        DesiredState.valueOf(rs.getString(6)), rs.getString(7), rs.getString(8),
        new Credentials(rs.getString(9), rs.getString(10)),
        new ServicePorts(rs.getInt(11), rs.getInt(12)), rs.getLong(13));
  }

  private static OffsetDateTime ts(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  @FunctionalInterface
  private interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> List<T> query(String sql, RowReader<T> reader, Object... args) {
    try (Connection c = dataSource.getConnection(); PreparedStatement st = prepare(c, sql, args);
        ResultSet rs = st.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(reader.read(rs));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("metadata query failed: " + e.getMessage(), e);
    }
  }

  private int update(String sql, Object... args) {
    try (Connection c = dataSource.getConnection(); PreparedStatement st = prepare(c, sql, args)) {
      return st.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("metadata write failed: " + e.getMessage(), e);
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement st = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      st.setObject(i + 1, args[i]);
    }
    return st;
  }
}
