package dev.chplane.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server ({@code /usr/bin/prometheus}, Debian package {@code prometheus}) as a
 * child process on a free loopback port, with its own temporary config and storage, scraping one
 * target every second with Basic auth. {@link #close()} kills it and deletes its directory.
 */
public final class PrometheusServer implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/prometheus");
  public static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  private final Path dir;
  private final int port;
  private final Process process;
  private final HttpClient http = HttpClient.newHttpClient();

  public PrometheusServer(int targetPort, String metricsPath, String user, String password) {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(BINARY + " is missing: apt-get install -y prometheus");
    }
    try {
      dir = Files.createTempDirectory("chplane-prometheus-");
      port = freePort();
      Files.writeString(
          dir.resolve("prometheus.yml"),
          """
          global:
            scrape_interval: 1s
            scrape_timeout: 1s
          scrape_configs:
            - job_name: chplane
              metrics_path: %s
              basic_auth:
                username: '%s'
                password: '%s'
              static_configs:
                - targets: ['127.0.0.1:%d']
          """
              .formatted(metricsPath, user, password, targetPort));
      process =
          new ProcessBuilder(
                  List.of(
                      BINARY.toString(),
                      "--config.file=" + dir.resolve("prometheus.yml"),
                      "--storage.tsdb.path=" + dir.resolve("data"),
                      "--web.listen-address=127.0.0.1:" + port))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> get("/-/ready").statusCode() == 200);
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The {@code data.result} of an instant query. */
  public JsonNode query(String promql) {
    try {
      HttpResponse<String> r =
          get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
      return new ObjectMapper().readTree(r.body()).at("/data/result");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The state Prometheus reports for its one target (health and last error), for failure messages.
   */
  public String targets() {
    try {
      return get("/api/v1/targets").body();
    } catch (IOException | InterruptedException e) {
      return e.toString();
    }
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
    TestInstallation.deleteTree(dir);
  }
}
