package dev.chplane.provision.local;

import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.QueryResponse;
import dev.chplane.provision.QueryUser;
import dev.chplane.provision.ServiceAccess;
import dev.chplane.security.InstallationKey;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** {@link ServiceAccess} to a local server over HTTPS on loopback, at its internal HTTPS port. */
final class LocalServiceAccess implements ServiceAccess {
  /** Long enough for a backup's freeze or a restore's attach of big tables. */
  private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(30);

  private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(10);

  /** The server's internal HTTPS port, looked up when a call needs it. */
  @FunctionalInterface
  interface HttpsPort {
    int get() throws ProvisionException;
  }

  private final ClickHouseHttp http;
  private final UUID serviceId;
  private final HttpsPort port;
  private final InstallationKey key;

  LocalServiceAccess(ClickHouseHttp http, UUID serviceId, HttpsPort port, InstallationKey key) {
    this.http = http;
    this.serviceId = serviceId;
    this.port = port;
    this.key = key;
  }

  /** The password of chplane's internal ClickHouse user on a service; derived, never stored. */
  static String internalPassword(InstallationKey key, UUID serviceId) {
    return key.derive("clickhouse-internal-user:" + serviceId);
  }

  @Override
  public String query(String sql) throws ProvisionException {
    return query(sql, QUERY_TIMEOUT);
  }

  @Override
  public String query(String sql, Duration timeout) throws ProvisionException {
    return http.query(
        port.get(), ClickHouseConfig.INTERNAL_USER, internalPassword(key, serviceId), sql, timeout);
  }

  @Override
  public QueryResponse stream(QueryUser user, String sql, Map<String, String> settings)
      throws ProvisionException {
    return http.stream(
        port.get(), user.userName(), user.password(key, serviceId), sql, settings, STREAM_TIMEOUT);
  }

  @Override
  public void insert(String insertQuery, Map<String, String> settings, byte[] body)
      throws ProvisionException {
    http.insert(
        port.get(),
        ClickHouseConfig.INTERNAL_USER,
        internalPassword(key, serviceId),
        insertQuery,
        settings,
        body,
        STREAM_TIMEOUT);
  }
}
