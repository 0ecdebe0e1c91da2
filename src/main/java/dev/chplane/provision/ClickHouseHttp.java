package dev.chplane.provision;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Runs SQL on a service's server through its HTTPS interface with the JDK's HTTP client (the
 * official Java clients cannot read results from 18.16). Thread-safe.
 */
public final class ClickHouseHttp {
  private final HttpClient client;

  public ClickHouseHttp(SSLContext trust) {
    this.client = HttpClient.newBuilder()
        .sslContext(trust)
        .connectTimeout(Duration.ofSeconds(5))
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  /** Sends {@code body} as the data of {@code insertQuery} (e.g. {@code INSERT INTO t FORMAT JSONEachRow}). */
  public void insert(int httpsPort, String user, String password, String insertQuery, byte[] body, Duration timeout)
      throws ProvisionException {
    URI uri = URI.create("https://127.0.0.1:" + httpsPort + "/?query="
        + java.net.URLEncoder.encode(insertQuery, StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("X-ClickHouse-User", user)
        .header("X-ClickHouse-Key", password)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    send(request, httpsPort);
  }

  /** Runs {@code sql} on the server at {@code 127.0.0.1:httpsPort} and returns the response body. */
  public String query(int httpsPort, String user, String password, String sql, Duration timeout)
      throws ProvisionException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpsPort + "/"))
        .timeout(timeout)
        .header("X-ClickHouse-User", user)
        .header("X-ClickHouse-Key", password)
        .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
        .build();
    return send(request, httpsPort);
  }

  private String send(HttpRequest request, int httpsPort) throws ProvisionException {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new ProvisionException("ClickHouse answered HTTP " + response.statusCode() + ": "
            + response.body().strip());
      }
      return response.body();
    } catch (IOException e) {
      throw new ProvisionException("ClickHouse on port " + httpsPort + " is not reachable: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProvisionException("interrupted while querying ClickHouse", e);
    }
  }
}
