package dev.chplane.store;

import dev.chplane.domain.Activity;
import dev.chplane.domain.ApiKey;
import dev.chplane.domain.Backup;
import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.Organization;
import dev.chplane.domain.QueryEndpoint;
import dev.chplane.domain.Service;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;

/**
 * The writes of one JDBC transaction; {@link JdbcMetadataStore#inTransaction} commits or rolls
 * back.
 */
final class JdbcTransaction implements StoreTransaction {
  private final Connection connection;
  private final Rows rows;
  private final WriteObserver observer;
  private final java.util.Set<UUID> servicesWritten = new java.util.HashSet<>();

  JdbcTransaction(Connection connection, Rows rows, WriteObserver observer) {
    this.connection = connection;
    this.rows = rows;
    this.observer = observer;
  }

  @Override
  public void insertOrganization(Organization o) {
    write(
        "organizations",
        "INSERT INTO organizations (" + Rows.ORGANIZATION + ") VALUES (?, ?, ?, ?)",
        o.id(),
        o.name(),
        Rows.ts(o.createdAt()),
        o.enableCoreDumps());
  }

  @Override
  public void updateOrganization(Organization o) {
    write(
        "organizations",
        "UPDATE organizations SET name = ?, enable_core_dumps = ? WHERE id = ?",
        o.name(),
        o.enableCoreDumps(),
        o.id());
  }

  @Override
  public void insertApiKey(ApiKey k) {
    write(
        "api_keys",
        "INSERT INTO api_keys (" + Rows.KEY + ") VALUES (" + Rows.placeholders(Rows.KEY) + ")",
        rows.apiKeyValues(k));
  }

  @Override
  public ApiKey updateApiKey(ApiKey k) {
    int changed =
        write(
            "api_keys",
            "UPDATE api_keys SET name = ?, roles = ?, state = ?, expire_at = ?, used_at = ?,"
                + " ip_access_list = ?, version = ? WHERE id = ? AND version = ?",
            k.name(),
            String.join(",", k.roles()),
            k.state(),
            Rows.ts(k.expireAt()),
            Rows.ts(k.usedAt()),
            rows.ipList(k),
            k.version() + 1,
            k.id(),
            k.version());
    requireOneRow(changed, "api_keys", "key", k.id(), k.version());
    return k.withVersion(k.version() + 1);
  }

  @Override
  public void deleteApiKey(UUID id) {
    write("api_keys", "DELETE FROM api_keys WHERE id = ?", id);
  }

  /** The services this transaction wrote (or tried to). */
  java.util.Set<UUID> servicesWritten() {
    return servicesWritten;
  }

  @Override
  public void insertService(Service s) {
    servicesWritten.add(s.id());
    write(
        "services",
        "INSERT INTO services ("
            + Rows.SERVICE
            + ") VALUES ("
            + Rows.placeholders(Rows.SERVICE)
            + ")",
        rows.serviceValues(s));
  }

  @Override
  public Service updateService(Service s) {
    servicesWritten.add(s.id());
    int changed =
        write(
            "services",
            "UPDATE services SET spec = ?, state = ?, desired_state = ?, failure_reason = ?,"
                + " clickhouse_version = ?, password_sha256 = ?, double_sha1 = ?, version = ? WHERE id = ? AND version = ?",
            rows.spec(s),
            s.state().name(),
            s.desiredState().name(),
            s.failureReason(),
            s.clickhouseVersion(),
            s.credentials().sha256Hex(),
            s.credentials().doubleSha1Hex(),
            s.version() + 1,
            s.id(),
            s.version());
    requireOneRow(changed, "services", "service", s.id(), s.version());
    return s.withVersion(s.version() + 1);
  }

  @Override
  public void recordServerPorts(UUID serviceId, ServerPorts ports) {
    // the service's version stays: the domain record does not carry these columns
    write(
        "services",
        "UPDATE services SET internal_https_port = ?, internal_native_secure_port = ? WHERE id = ?",
        ports.https(),
        ports.nativeSecure(),
        serviceId);
  }

  @Override
  public void recordReplicaPorts(UUID serviceId, int replica, ReplicaServerPorts ports) {
    // update-then-insert: plain SQL that H2 and PostgreSQL both run (no MERGE / ON CONFLICT)
    int changed =
        write(
            "replica_ports",
            "UPDATE replica_ports SET https_port = ?, native_secure_port = ?, tcp_port = ?,"
                + " interserver_port = ? WHERE service_id = ? AND replica_index = ?",
            ports.https(),
            ports.nativeSecure(),
            ports.tcp(),
            ports.interserver(),
            serviceId,
            replica);
    if (changed == 0) {
      write(
          "replica_ports",
          "INSERT INTO replica_ports (service_id, replica_index, https_port, native_secure_port,"
              + " tcp_port, interserver_port) VALUES (?, ?, ?, ?, ?, ?)",
          serviceId,
          replica,
          ports.https(),
          ports.nativeSecure(),
          ports.tcp(),
          ports.interserver());
    }
  }

  @Override
  public void forgetReplicaPorts(UUID serviceId, int replica) {
    write(
        "replica_ports",
        "DELETE FROM replica_ports WHERE service_id = ? AND replica_index = ?",
        serviceId,
        replica);
  }

  @Override
  public void deleteService(UUID id) {
    servicesWritten.add(id);
    deleteQueryEndpoint(id);
    write("replica_ports", "DELETE FROM replica_ports WHERE service_id = ?", id);
    write("services", "DELETE FROM services WHERE id = ?", id);
  }

  @Override
  public void insertBackup(Backup b) {
    write(
        "backups",
        "INSERT INTO backups (" + Rows.BACKUP + ") VALUES (" + Rows.placeholders(Rows.BACKUP) + ")",
        rows.backupValues(b));
  }

  @Override
  public void updateBackup(Backup b) {
    write(
        "backups",
        "UPDATE backups SET status = ?, finished_at = ?, size_in_bytes = ?, expires_at = ?, error = ?"
            + " WHERE id = ?",
        b.status().name(),
        Rows.ts(b.finishedAt()),
        b.sizeInBytes(),
        Rows.ts(b.expiresAt()),
        b.error(),
        b.id());
  }

  @Override
  public void deleteBackup(UUID id) {
    write("backups", "DELETE FROM backups WHERE id = ?", id);
  }

  @Override
  public void insertPipe(ClickPipe p) {
    write(
        "clickpipes",
        "INSERT INTO clickpipes (" + Rows.PIPE + ") VALUES (" + Rows.placeholders(Rows.PIPE) + ")",
        rows.pipeValues(p));
  }

  @Override
  public ClickPipe updatePipe(ClickPipe p) {
    int changed =
        write(
            "clickpipes",
            "UPDATE clickpipes SET spec = ?, credentials = ?, state = ?, desired_state = ?,"
                + " failure_reason = ?, updated_at = ?, version = ? WHERE id = ? AND version = ?",
            rows.pipeSpec(p),
            p.encryptedCredentials(),
            p.state().name(),
            p.desiredState().name(),
            p.failureReason(),
            Rows.ts(p.updatedAt()),
            p.version() + 1,
            p.id(),
            p.version());
    requireOneRow(changed, "clickpipes", "clickpipe", p.id(), p.version());
    return p.withVersion(p.version() + 1);
  }

  @Override
  public void deletePipe(UUID id) {
    write("clickpipes", "DELETE FROM clickpipes WHERE id = ?", id);
  }

  @Override
  public void putPipePosition(UUID pipeId, String key, String value, java.time.Instant at) {
    if (value == null) {
      write(PipePositionRows.TABLE, PipePositionRows.DELETE, pipeId, key);
    } else if (write(
            PipePositionRows.TABLE,
            PipePositionRows.upsert()[0],
            PipePositionRows.updateValues(pipeId, key, value, at))
        == 0) {
      write(
          PipePositionRows.TABLE,
          PipePositionRows.upsert()[1],
          PipePositionRows.insertValues(pipeId, key, value, at));
    }
  }

  @Override
  public void upsertQueryEndpoint(QueryEndpoint q) {
    // update-then-insert: plain SQL that H2 and PostgreSQL both run (no MERGE / ON CONFLICT)
    int changed =
        write(
            "query_endpoints",
            "UPDATE query_endpoints SET roles = ?, open_api_keys = ?,"
                + " allowed_origins = ?, updated_at = ? WHERE service_id = ?",
            String.join(",", q.roles()),
            Rows.keyList(q),
            q.allowedOrigins(),
            Rows.ts(q.updatedAt()),
            q.serviceId());
    if (changed == 0) {
      write(
          "query_endpoints",
          "INSERT INTO query_endpoints ("
              + Rows.QUERY_ENDPOINT
              + ") VALUES ("
              + Rows.placeholders(Rows.QUERY_ENDPOINT)
              + ")",
          rows.queryEndpointValues(q));
    }
  }

  @Override
  public boolean deleteQueryEndpoint(UUID serviceId) {
    return write("query_endpoints", "DELETE FROM query_endpoints WHERE service_id = ?", serviceId)
        > 0;
  }

  @Override
  public void record(Activity a) {
    write(
        "activities",
        "INSERT INTO activities ("
            + Rows.ACTIVITY
            + ") VALUES ("
            + Rows.placeholders(Rows.ACTIVITY)
            + ")",
        rows.activityValues(a));
  }

  @Override
  public Optional<Service> findService(UUID id) {
    try {
      return Rows.query(
              connection,
              "SELECT " + Rows.SERVICE + " FROM services WHERE id = ?",
              rows::service,
              id)
          .stream()
          .findFirst();
    } catch (SQLException e) {
      throw new StoreException("metadata query failed: " + e.getMessage(), e);
    }
  }

  /** After a compare-and-set update: tells a stale copy from a row that is gone. */
  private void requireOneRow(int changed, String table, String what, UUID id, long version) {
    if (changed == 1) {
      return;
    }
    if (read("SELECT id FROM " + table + " WHERE id = ?", id)) {
      throw new StaleVersionException(what + " " + id + " changed since version " + version);
    }
    throw new NoSuchElementException(what + " " + id + " is gone");
  }

  private boolean read(String sql, Object id) {
    try {
      return !Rows.query(connection, sql, rs -> rs.getObject(1), id).isEmpty();
    } catch (SQLException e) {
      throw new StoreException("metadata query failed: " + e.getMessage(), e);
    }
  }

  private int write(String table, String sql, Object... args) {
    try {
      int changed = Rows.update(connection, sql, args);
      observer.afterWrite(table);
      return changed;
    } catch (SQLException e) {
      throw new StoreException("metadata write failed: " + e.getMessage(), e);
    }
  }
}
