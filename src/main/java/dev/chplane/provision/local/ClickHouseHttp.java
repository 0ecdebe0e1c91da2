package dev.chplane.provision.local;

import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.QueryResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs SQL on a service's server through its HTTPS interface with the JDK's HTTP client (the
 * official Java clients cannot read results from 18.16). Thread-safe.
 *
 * <p>Idle connections: a server closes a keep-alive connection idle for {@link #SERVER_KEEP_ALIVE}
 * (what {@link ClickHouseConfig} writes); a request the client sends on it at that moment fails
 * with "HTTP/1.1 header parser received no bytes", and whether the server ran it cannot be known.
 * So the client must drop idle connections first: {@link #limitIdleConnections()} sets the JDK's
 * pool timeout, {@value #KEEP_ALIVE_PROPERTY}, to {@link #CLIENT_KEEP_ALIVE}. The JDK reads that
 * property once per JVM, when the first HTTP client is built, and has no per-client setting: the
 * launcher ({@code Main}) calls it first thing, and the build sets it for the test JVMs.
 */
public final class ClickHouseHttp {
  private static final Logger log = LoggerFactory.getLogger(ClickHouseHttp.class);

  /**
   * How long a server keeps an idle keep-alive connection open: longer than the client may keep one
   * ({@link #CLIENT_KEEP_ALIVE_AT_MOST}), with room for a busy machine. It also bounds how long an
   * idle connection holds up the server's stop.
   */
  static final Duration SERVER_KEEP_ALIVE = Duration.ofSeconds(5);

  /** The idle time after which chplane's client drops a connection. */
  static final Duration CLIENT_KEEP_ALIVE = Duration.ofSeconds(1);

  /**
   * When the client has dropped an idle connection at the latest: the JDK purges expired
   * connections from its selector loop, which may sleep up to 3 s ({@code
   * HttpClientImpl.NODEADLINE}) before it looks (measured here with JDK 17: between 0.3 and 3.0 s
   * with a 1 s timeout).
   */
  static final Duration CLIENT_KEEP_ALIVE_AT_MOST = Duration.ofSeconds(3);

  static final String KEEP_ALIVE_PROPERTY = "jdk.httpclient.keepalive.timeout";

  private final HttpClient client;

  /**
   * Makes the JDK's HTTP clients drop connections idle for {@link #CLIENT_KEEP_ALIVE}, unless a
   * shorter time is set already. JVM-wide, and effective only before the first HTTP client of the
   * JVM is built.
   */
  public static void limitIdleConnections() {
    if (!idleConnectionsLimited()) {
      System.setProperty(KEEP_ALIVE_PROPERTY, Long.toString(CLIENT_KEEP_ALIVE.toSeconds()));
    }
  }

  static boolean idleConnectionsLimited() {
    Integer seconds = Integer.getInteger(KEEP_ALIVE_PROPERTY);
    return seconds != null && seconds > 0 && seconds <= CLIENT_KEEP_ALIVE.toSeconds();
  }

  public ClickHouseHttp(SSLContext trust) {
    if (!idleConnectionsLimited()) {
      log.warn(
          "{} is not {} s or less: a query may meet a connection its server is closing ({})",
          KEEP_ALIVE_PROPERTY,
          CLIENT_KEEP_ALIVE.toSeconds(),
          "HTTP/1.1 header parser received no bytes");
    }
    this.client =
        HttpClient.newBuilder()
            .sslContext(trust)
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /**
   * Sends {@code body} as the data of {@code insertQuery} (e.g. {@code INSERT INTO t FORMAT
   * JSONEachRow}), with {@code settings} as URL parameters.
   */
  public void insert(
      int httpsPort,
      String user,
      String password,
      String insertQuery,
      Map<String, String> settings,
      byte[] body,
      Duration timeout)
      throws ProvisionException {
    StringBuilder url =
        new StringBuilder("https://127.0.0.1:")
            .append(httpsPort)
            .append("/?query=")
            .append(encode(insertQuery));
    settings.forEach((k, v) -> url.append('&').append(encode(k)).append('=').append(encode(v)));
    URI uri = URI.create(url.toString());
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("X-ClickHouse-User", user)
            .header("X-ClickHouse-Key", password)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    send(request, httpsPort);
  }

  /**
   * Runs {@code sql} on the server at {@code 127.0.0.1:httpsPort} and returns the response body.
   */
  public String query(int httpsPort, String user, String password, String sql, Duration timeout)
      throws ProvisionException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpsPort + "/"))
            .timeout(timeout)
            .header("X-ClickHouse-User", user)
            .header("X-ClickHouse-Key", password)
            .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
            .build();
    return send(request, httpsPort);
  }

  /**
   * Runs {@code sql} with {@code settings} as URL parameters (ClickHouse settings such as {@code
   * readonly}, or {@code default_format}) and returns the answer unread, whatever its status.
   */
  public QueryResponse stream(
      int httpsPort,
      String user,
      String password,
      String sql,
      Map<String, String> settings,
      Duration timeout)
      throws ProvisionException {
    StringBuilder uri = new StringBuilder("https://127.0.0.1:" + httpsPort + "/");
    char separator = '?';
    for (Map.Entry<String, String> s : settings.entrySet()) {
      uri.append(separator).append(encode(s.getKey())).append('=').append(encode(s.getValue()));
      separator = '&';
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(uri.toString()))
            .timeout(timeout)
            .header("X-ClickHouse-User", user)
            .header("X-ClickHouse-Key", password)
            .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
            .build();
    try {
      HttpResponse<InputStream> response =
          client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      return new QueryResponse(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse("text/plain; charset=UTF-8"),
          response.body());
    } catch (IOException e) {
      throw unreachable(httpsPort, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProvisionException("interrupted while querying ClickHouse", e);
    }
  }

  /**
   * The failure of a request that met no server: refused, reset, or no connection within the
   * connect timeout ({@link ServerUnreachableException}); any other I/O failure as it is.
   */
  static ProvisionException unreachable(int httpsPort, IOException e) {
    String message = "ClickHouse on port " + httpsPort + " is not reachable: " + e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      String text = String.valueOf(t.getMessage());
      if (t instanceof java.net.ConnectException
          || t instanceof java.net.http.HttpConnectTimeoutException
          || text.contains("Connection reset")
          || text.contains("Connection refused")) {
        return new ServerUnreachableException(message, e);
      }
    }
    return new ProvisionException(message, e);
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private String send(HttpRequest request, int httpsPort) throws ProvisionException {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new ProvisionException(
            "ClickHouse answered HTTP " + response.statusCode() + ": " + response.body().strip());
      }
      return response.body();
    } catch (IOException e) {
      throw unreachable(httpsPort, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProvisionException("interrupted while querying ClickHouse", e);
    }
  }
}
