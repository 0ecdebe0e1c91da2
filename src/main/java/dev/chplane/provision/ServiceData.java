package dev.chplane.provision;

import java.nio.file.Path;
import java.util.List;

/**
 * Access to a running service's data for backups and restores: SQL as chplane's internal user, and
 * the places on disk where frozen parts appear and where parts to attach go. Only this package
 * knows the server's on-disk layout; another provisioner (Kubernetes) implements the same.
 */
public interface ServiceData {

  /** Runs one SQL statement as chplane's internal user and returns the response body. */
  String query(ServiceDeployment service, String sql) throws ProvisionException;

  /**
   * Runs one Query API statement as the service's query user {@code user} (never as chplane's
   * internal user) with extra ClickHouse settings (URL parameters such as {@code default_format})
   * and returns ClickHouse's answer unread, to be streamed.
   */
  QueryResponse stream(ServiceDeployment service, QueryUser user, String sql, java.util.Map<String, String> settings)
      throws ProvisionException;

  /** {@link #query(ServiceDeployment, String)} that gives up after {@code timeout}. */
  String query(ServiceDeployment service, String sql, java.time.Duration timeout) throws ProvisionException;

  /** Inserts {@code body} (in the format the query names) as chplane's internal user. */
  void insert(ServiceDeployment service, String insertQuery, java.util.Map<String, String> settings, byte[] body)
      throws ProvisionException;

  /**
   * Freezes a MergeTree-family table ({@code ALTER TABLE ... FREEZE}) and returns its frozen parts:
   * hard links that stay valid until {@link FrozenTable#close()} deletes them.
   */
  FrozenTable freeze(ServiceDeployment service, String database, String table) throws ProvisionException;

  /** Deletes every freeze of the service, e.g. those a backup cut short by a crash left behind. */
  void releaseAllFreezes(java.util.UUID serviceId);

  /** The directory where parts are placed for {@code ALTER TABLE ... ATTACH PART}. */
  Path detachedDirectory(ServiceDeployment service, String database, String table) throws ProvisionException;

  /** The frozen parts of one table; closing deletes the freeze. */
  interface FrozenTable extends AutoCloseable {
    /** One directory per part, named as the part. */
    List<Path> parts();

    @Override
    void close();
  }
}
