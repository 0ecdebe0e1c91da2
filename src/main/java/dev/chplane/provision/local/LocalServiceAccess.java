package dev.chplane.provision.local;

import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.QueryResponse;
import dev.chplane.provision.QueryUser;
import dev.chplane.provision.ServiceAccess;
import dev.chplane.security.InstallationKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@link ServiceAccess} to local servers over HTTPS on loopback, at their internal HTTPS ports: a
 * call goes to the first of the candidate servers, and to the next one when a server cannot be
 * reached ({@link ServerUnreachableException}); an answer from a server, an error too, is the
 * call's result.
 */
final class LocalServiceAccess implements ServiceAccess {
  /** Long enough for a backup's freeze or a restore's attach of big tables. */
  private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(30);

  private static final Duration STREAM_TIMEOUT = Duration.ofMinutes(10);

  /** The internal HTTPS ports of the servers to try, in order, looked up for each call. */
  @FunctionalInterface
  interface HttpsPorts {
    List<Integer> get() throws ProvisionException;
  }

  /** One attempt of a call on one server. */
  @FunctionalInterface
  private interface Attempt<T> {
    T on(int httpsPort) throws ProvisionException;
  }

  private final ClickHouseHttp http;
  private final UUID serviceId;
  private final HttpsPorts ports;
  private final InstallationKey key;

  LocalServiceAccess(ClickHouseHttp http, UUID serviceId, HttpsPorts ports, InstallationKey key) {
    this.http = http;
    this.serviceId = serviceId;
    this.ports = ports;
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
    return onAny(
        port ->
            http.query(
                port,
                ClickHouseConfig.INTERNAL_USER,
                internalPassword(key, serviceId),
                sql,
                timeout));
  }

  @Override
  public QueryResponse stream(QueryUser user, String sql, Map<String, String> settings)
      throws ProvisionException {
    return onAny(
        port ->
            http.stream(
                port,
                user.userName(),
                user.password(key, serviceId),
                sql,
                settings,
                STREAM_TIMEOUT));
  }

  @Override
  public void insert(String insertQuery, Map<String, String> settings, byte[] body)
      throws ProvisionException {
    onAny(
        port -> {
          http.insert(
              port,
              ClickHouseConfig.INTERNAL_USER,
              internalPassword(key, serviceId),
              insertQuery,
              settings,
              body,
              STREAM_TIMEOUT);
          return null;
        });
  }

  private <T> T onAny(Attempt<T> attempt) throws ProvisionException {
    ServerUnreachableException last = null;
    for (int port : ports.get()) {
      try {
        return attempt.on(port);
      } catch (ServerUnreachableException e) {
        last = e;
      }
    }
    if (last == null) {
      throw new ProvisionException("service " + serviceId + " has no server to query");
    }
    throw last;
  }
}
