package dev.chplane.bench;

import dev.chplane.it.ClickHouseClients;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client side of {@code bench/replicas.sh}. Two measurements, each printing one protocol line
 * on stdout (progress on stderr):
 *
 * <ul>
 *   <li>{@code lag CA PASSWORD INSERTS PORT...}: on the servers' internal HTTPS ports (the first
 *       takes the inserts), creates {@code default.lag} as a replicated table {@code ON CLUSTER
 *       default}, then INSERTS times inserts one row on the first server and waits until every
 *       server (the first one too) returns it; keep-alive connections, one per server. Prints
 *       {@code LAG p50 p99 max insert_p50} in milliseconds, the lag counted from the insert's
 *       acknowledgement to the row being visible on the last server.
 *   <li>{@code select CA PASSWORD PORT THREADS SECONDS SQL}: THREADS clients run SQL over the
 *       edge's HTTPS port, each statement on a new connection (so connections spread over the
 *       replicas), for SECONDS. Prints {@code SELECT queries_per_second failures}.
 * </ul>
 */
public final class ReplicasBench {
  private ReplicasBench() {}

  public static void main(String[] args) throws Exception {
    Path ca = Path.of(args[1]);
    String password = args[2];
    switch (args[0]) {
      case "lag" -> lag(ca, password, Integer.parseInt(args[3]), ports(args, 4));
      case "select" ->
          select(
              ca,
              password,
              Integer.parseInt(args[3]),
              Integer.parseInt(args[4]),
              Integer.parseInt(args[5]),
              args[6]);
      default -> throw new IllegalArgumentException("lag or select, not " + args[0]);
    }
  }

  private static int[] ports(String[] args, int from) {
    return Arrays.stream(args, from, args.length).mapToInt(Integer::parseInt).toArray();
  }

  private static void lag(Path ca, String password, int inserts, int[] ports) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(trusting(ca))
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    String auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("default:" + password).getBytes(StandardCharsets.UTF_8));
    post(http, auth, ports[0], "DROP TABLE IF EXISTS default.lag ON CLUSTER default");
    post(
        http,
        auth,
        ports[0],
        "CREATE TABLE default.lag ON CLUSTER default (id UInt64) ENGINE = ReplicatedMergeTree("
            + "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}') ORDER BY id");
    double[] lags = new double[inserts];
    double[] acks = new double[inserts];
    for (int i = 0; i < inserts; i++) {
      long t0 = System.nanoTime();
      post(http, auth, ports[0], "INSERT INTO default.lag VALUES (" + i + ")");
      long t1 = System.nanoTime();
      for (int port : ports) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!post(http, auth, port, "SELECT count() FROM default.lag WHERE id = " + i)
            .strip()
            .equals("1")) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("row " + i + " not on port " + port + " after 60 s");
          }
        }
      }
      long t2 = System.nanoTime();
      acks[i] = (t1 - t0) / 1e6;
      lags[i] = (t2 - t1) / 1e6;
      if ((i + 1) % 200 == 0) {
        System.err.printf("  %d of %d inserts%n", i + 1, inserts);
      }
    }
    post(http, auth, ports[0], "DROP TABLE IF EXISTS default.lag ON CLUSTER default");
    Arrays.sort(lags);
    Arrays.sort(acks);
    System.out.printf(
        "LAG %.2f %.2f %.2f %.2f%n",
        percentile(lags, 50), percentile(lags, 99), lags[lags.length - 1], percentile(acks, 50));
  }

  private static String post(HttpClient http, String auth, int port, String sql) throws Exception {
    try {
      return postOnce(http, auth, port, sql);
    } catch (java.io.IOException e) {
      // the server closed the kept-alive connection as it was reused: once more on a new one
      return postOnce(http, auth, port, sql);
    }
  }

  private static String postOnce(HttpClient http, String auth, int port, String sql)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/"))
                .header("Authorization", auth)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(sql))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(sql + " on port " + port + ": " + r.body());
    }
    return r.body();
  }

  /** Nearest rank. */
  private static double percentile(double[] sorted, int p) {
    int rank = Math.max(1, (int) Math.ceil(p / 100.0 * sorted.length));
    return sorted[rank - 1];
  }

  private static void select(
      Path ca, String password, int port, int threads, int seconds, String sql) throws Exception {
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread client =
          new Thread(
              () -> {
                while (System.nanoTime() < end) {
                  try {
                    if (ClickHouseClients.https(ca, port, password, sql).ok()) {
                      done.incrementAndGet();
                    } else {
                      failed.incrementAndGet();
                    }
                  } catch (Exception e) {
                    failed.incrementAndGet();
                  }
                }
              });
      client.start();
      clients.add(client);
    }
    for (Thread client : clients) {
      client.join();
    }
    System.out.printf("SELECT %.1f %d%n", done.get() / (double) seconds, failed.get());
  }

  private static SSLContext trusting(Path ca) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(ca)) {
      store.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
