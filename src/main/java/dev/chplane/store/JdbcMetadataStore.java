package dev.chplane.store;

import dev.chplane.domain.Activity;
import dev.chplane.domain.ApiKey;
import dev.chplane.domain.Backup;
import dev.chplane.domain.BackupStatus;
import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.Organization;
import dev.chplane.domain.QueryEndpoint;
import dev.chplane.domain.Service;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** {@link MetadataStore} on plain JDBC; the schema is migrated by Flyway when the store opens. */
public class JdbcMetadataStore implements MetadataStore {
  private final DataSource dataSource;
  private final Runnable onClose;
  private final WriteObserver observer;
  private final Rows rows = new Rows();
  private final ServiceCache serviceCache = new ServiceCache();

  public JdbcMetadataStore(DataSource dataSource, Runnable onClose) {
    this(dataSource, onClose, WriteObserver.NONE);
  }

  public JdbcMetadataStore(DataSource dataSource, Runnable onClose, WriteObserver observer) {
    this.dataSource = dataSource;
    this.onClose = onClose;
    this.observer = observer;
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
  }

  @Override
  public <T> T inTransaction(TransactionWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      JdbcTransaction tx = new JdbcTransaction(c, rows, observer);
      try {
        T result = work.run(tx);
        c.commit();
        return result;
      } catch (RuntimeException | Error e) {
        c.rollback();
        throw e;
      } finally {
        serviceCache.evict(tx.servicesWritten());
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("metadata transaction failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Organization> findOrganization(UUID id) {
    return first(
        query(
            "SELECT " + Rows.ORGANIZATION + " FROM organizations WHERE id = ?",
            rows::organization,
            id));
  }

  @Override
  public List<Organization> listOrganizations() {
    return query(
        "SELECT " + Rows.ORGANIZATION + " FROM organizations ORDER BY created_at",
        rows::organization);
  }

  @Override
  public Optional<ApiKey> findApiKey(UUID id) {
    return first(query("SELECT " + Rows.KEY + " FROM api_keys WHERE id = ?", rows::apiKey, id));
  }

  @Override
  public Optional<ApiKey> findApiKeyByKeyIdHash(String keyIdSha256Hex) {
    return first(
        query(
            "SELECT " + Rows.KEY + " FROM api_keys WHERE key_id_sha256 = ?",
            rows::apiKey,
            keyIdSha256Hex));
  }

  @Override
  public List<ApiKey> listApiKeys(UUID organizationId) {
    return query(
        "SELECT " + Rows.KEY + " FROM api_keys WHERE organization_id = ? ORDER BY created_at, id",
        rows::apiKey,
        organizationId);
  }

  @Override
  public Optional<Service> findService(UUID id) {
    return serviceCache.get(
        id,
        () ->
            first(
                query(
                    "SELECT " + Rows.SERVICE + " FROM services WHERE id = ?", rows::service, id)));
  }

  @Override
  public List<Service> listServices(UUID organizationId) {
    return query(
        "SELECT "
            + Rows.SERVICE
            + " FROM services WHERE organization_id = ? ORDER BY created_at, id",
        rows::service,
        organizationId);
  }

  @Override
  public List<Service> listAllServices() {
    return query(
        "SELECT " + Rows.SERVICE + " FROM services ORDER BY created_at, id", rows::service);
  }

  @Override
  public List<Activity> listActivities(UUID organizationId, Instant from, Instant to) {
    StringBuilder sql =
        new StringBuilder("SELECT " + Rows.ACTIVITY + " FROM activities WHERE organization_id = ?");
    List<Object> args = new ArrayList<>(List.of(organizationId));
    if (from != null) {
      sql.append(" AND created_at >= ?");
      args.add(Rows.ts(from));
    }
    if (to != null) {
      sql.append(" AND created_at <= ?");
      args.add(Rows.ts(to));
    }
    // insertion order: activities written in one millisecond (or one transaction) keep their order
    sql.append(" ORDER BY seq DESC");
    return query(sql.toString(), rows::activity, args.toArray());
  }

  @Override
  public Optional<Activity> findActivity(UUID organizationId, UUID id) {
    return first(
        query(
            "SELECT " + Rows.ACTIVITY + " FROM activities WHERE organization_id = ? AND id = ?",
            rows::activity,
            organizationId,
            id));
  }

  @Override
  public Optional<Backup> findBackup(UUID id) {
    return first(query("SELECT " + Rows.BACKUP + " FROM backups WHERE id = ?", rows::backup, id));
  }

  @Override
  public List<Backup> listBackups(UUID serviceId) {
    return query(
        "SELECT "
            + Rows.BACKUP
            + " FROM backups WHERE service_id = ? ORDER BY started_at DESC, id DESC",
        rows::backup,
        serviceId);
  }

  @Override
  public List<Backup> listBackups(BackupStatus status) {
    return query(
        "SELECT " + Rows.BACKUP + " FROM backups WHERE status = ? ORDER BY started_at, id",
        rows::backup,
        status.name());
  }

  @Override
  public Optional<ClickPipe> findPipe(UUID id) {
    return first(query("SELECT " + Rows.PIPE + " FROM clickpipes WHERE id = ?", rows::pipe, id));
  }

  @Override
  public List<ClickPipe> listPipes(UUID serviceId) {
    return query(
        "SELECT " + Rows.PIPE + " FROM clickpipes WHERE service_id = ? ORDER BY created_at, id",
        rows::pipe,
        serviceId);
  }

  @Override
  public List<ClickPipe> listAllPipes() {
    return query("SELECT " + Rows.PIPE + " FROM clickpipes ORDER BY created_at, id", rows::pipe);
  }

  @Override
  public java.util.Map<String, String> pipePositions(UUID pipeId) {
    try (Connection c = dataSource.getConnection()) {
      return PipePositionRows.read(c, pipeId);
    } catch (SQLException e) {
      throw new StoreException("metadata query failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<ServerPorts> findServerPorts(UUID serviceId) {
    return first(
        query(
            "SELECT " + Rows.SERVER_PORTS + " FROM services WHERE id = ?",
            rows::serverPorts,
            serviceId));
  }

  @Override
  public java.util.Set<Integer> portsInUse() {
    java.util.Set<Integer> ports = new java.util.HashSet<>();
    for (int[] row :
        query(
            "SELECT https_port, native_secure_port, " + Rows.SERVER_PORTS + " FROM services",
            rs -> new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4)})) {
      for (int port : row) {
        ports.add(port);
      }
    }
    for (int[] row :
        query(
            "SELECT https_port, native_secure_port, tcp_port, interserver_port FROM replica_ports",
            rs -> new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4)})) {
      for (int port : row) {
        ports.add(port);
      }
    }
    ports.remove(0);
    return ports;
  }

  @Override
  public java.util.SortedMap<Integer, ReplicaServerPorts> findReplicaPorts(UUID serviceId) {
    java.util.SortedMap<Integer, ReplicaServerPorts> out = new java.util.TreeMap<>();
    for (Object[] row :
        query(
            "SELECT replica_index, https_port, native_secure_port, tcp_port, interserver_port"
                + " FROM replica_ports WHERE service_id = ?",
            rs ->
                new Object[] {
                  rs.getInt(1),
                  new ReplicaServerPorts(rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5))
                },
            serviceId)) {
      out.put((Integer) row[0], (ReplicaServerPorts) row[1]);
    }
    return out;
  }

  @Override
  public Optional<QueryEndpoint> findQueryEndpoint(UUID serviceId) {
    return first(
        query(
            "SELECT " + Rows.QUERY_ENDPOINT + " FROM query_endpoints WHERE service_id = ?",
            rows::queryEndpoint,
            serviceId));
  }

  @Override
  public void close() {
    onClose.run();
  }

  private static <T> Optional<T> first(List<T> list) {
    return list.stream().findFirst();
  }

  private <T> List<T> query(String sql, Rows.Reader<T> reader, Object... args) {
    try (Connection c = dataSource.getConnection()) {
      return Rows.query(c, sql, reader, args);
    } catch (SQLException e) {
      throw new StoreException("metadata query failed: " + e.getMessage(), e);
    }
  }
}
