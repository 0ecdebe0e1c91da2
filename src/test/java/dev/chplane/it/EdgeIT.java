package dev.chplane.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Large transfers through the edge in both directions, where one side is slower than the other: the
 * edge must hold back the fast side and finish, not stall.
 */
class EdgeIT {
  private static TestInstallation chplane;
  private static HttpClient http;
  private static String base;
  private static String auth;

  @BeforeAll
  static void start() throws Exception {
    chplane = new TestInstallation();
    JsonNode created =
        chplane.createRunning("edge", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
    base = "https://localhost:" + created.at("/service/endpoints/1/port").asInt() + "/";
    auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    ("default:" + created.get("password").asText())
                        .getBytes(StandardCharsets.UTF_8));
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = java.nio.file.Files.newInputStream(chplane.caCertificate())) {
      store.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    chplane.close();
  }

  private static HttpResponse<String> sql(String query, HttpRequest.BodyPublisher body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(
                    base + "?query=" + java.net.URLEncoder.encode(query, StandardCharsets.UTF_8)))
            .timeout(Duration.ofMinutes(2))
            .header("Authorization", auth)
            .POST(body)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aLargeUploadAndALargeDownloadPassThroughTheEdgeCompletely() throws Exception {
    sql(
        "CREATE TABLE default.bulk (n UInt64, s String) ENGINE = MergeTree ORDER BY n",
        HttpRequest.BodyPublishers.noBody());
    int rows = 2_000_000;
    StringBuilder tsv = new StringBuilder(rows * 30);
    for (int i = 0; i < rows; i++) {
      tsv.append(i)
          .append('\t')
          .append("row-")
          .append(Integer.toHexString(i * 31))
          .append("-payload\n");
    }
    HttpResponse<String> insert =
        sql(
            "INSERT INTO default.bulk FORMAT TSV",
            HttpRequest.BodyPublishers.ofString(tsv.toString()));
    assertThat(insert.statusCode()).as(insert.body()).isEqualTo(200);
    assertThat(
            sql("SELECT count() FROM default.bulk", HttpRequest.BodyPublishers.noBody())
                .body()
                .strip())
        .isEqualTo(Integer.toString(rows));

    HttpResponse<InputStream> download =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        base
                            + "?query="
                            + java.net.URLEncoder.encode(
                                "SELECT n, s, s, s FROM default.bulk FORMAT TSV",
                                StandardCharsets.UTF_8)))
                .timeout(Duration.ofMinutes(2))
                .header("Authorization", auth)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    long bytes = 0;
    long lines = 0;
    byte[] buffer = new byte[8192];
    try (InputStream in = download.body()) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        bytes += n;
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            lines++;
          }
        }
      }
    }
    assertThat(lines).isEqualTo(rows);
    assertThat(bytes).isGreaterThan(100_000_000L);
  }
}
