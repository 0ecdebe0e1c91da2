package dev.chplane.provision;

import java.time.Duration;
import java.util.Map;

/**
 * SQL and inserts against one service, on any of its ready replicas: the one way workers (pipes,
 * backups, restores, metrics, the Query API, readiness) reach a server. Callers never learn where
 * the server is or how to connect to it. Thread-safe.
 */
public interface ServiceAccess {

  /** Runs one SQL statement as chplane's internal user and returns the response body. */
  String query(String sql) throws ProvisionException;

  /** {@link #query(String)} that gives up after {@code timeout}. */
  String query(String sql, Duration timeout) throws ProvisionException;

  /**
   * Runs one Query API statement as the service's query user {@code user} (never as chplane's
   * internal user) with extra ClickHouse settings (such as {@code default_format}) and returns
   * ClickHouse's answer unread, whatever its status, to be streamed.
   */
  QueryResponse stream(QueryUser user, String sql, Map<String, String> settings)
      throws ProvisionException;

  /**
   * Inserts {@code body} (in the format {@code insertQuery} names, e.g. {@code INSERT INTO t FORMAT
   * JSONEachRow}) as chplane's internal user, with {@code settings} as ClickHouse settings.
   */
  void insert(String insertQuery, Map<String, String> settings, byte[] body)
      throws ProvisionException;
}
