package dev.chplane.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The two ways a user reaches a service: HTTPS (as curl would, verifying the installation CA and
 * the host name, optionally from a chosen local address) and {@code clickhouse-client --secure}.
 */
public final class ClickHouseClients {
  private ClickHouseClients() {}

  /** An HTTP answer from ClickHouse. */
  public record Answer(int status, String body) {
    public boolean ok() {
      return status == 200;
    }
  }

  /** POSTs {@code sql} to {@code https://localhost:port/} from {@code localAddress}. */
  public static Answer https(
      Path ca, int port, String localAddress, String user, String password, String sql)
      throws Exception {
    SSLContext context = trusting(ca);
    try (Socket plain = new Socket()) {
      plain.bind(new InetSocketAddress(localAddress, 0));
      plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      plain.setSoTimeout(30_000);
      SSLSocket tls =
          (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", port, true);
      SSLParameters params = tls.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      tls.setSSLParameters(params);
      byte[] body = sql.getBytes(StandardCharsets.UTF_8);
      String auth =
          Base64.getEncoder()
              .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      String head =
          "POST / HTTP/1.0\r\nHost: localhost:"
              + port
              + "\r\nAuthorization: Basic "
              + auth
              + "\r\nContent-Length: "
              + body.length
              + "\r\nConnection: close\r\n\r\n";
      OutputStream out = tls.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      String response = new String(readAll(tls.getInputStream()), StandardCharsets.UTF_8);
      int status = Integer.parseInt(response.substring(9, 12));
      int split = response.indexOf("\r\n\r\n");
      return new Answer(status, split < 0 ? "" : response.substring(split + 4));
    }
  }

  public static Answer https(Path ca, int port, String password, String sql) throws Exception {
    return https(ca, port, "127.0.0.1", "default", password, sql);
  }

  /** Runs {@code clickhouse-client --secure}; returns its exit code and output. */
  public static Answer nativeSecure(Path ca, int port, String password, String sql)
      throws Exception {
    Path config = Files.createTempFile("chplane-client-", ".xml");
    try {
      Files.writeString(
          config,
          "<config><openSSL><client><loadDefaultCAFile>false</loadDefaultCAFile>"
              + "<caConfig>"
              + ca.toAbsolutePath()
              + "</caConfig><invalidCertificateHandler>"
              + "<name>RejectCertificateHandler</name></invalidCertificateHandler></client></openSSL></config>");
      Process p =
          new ProcessBuilder(
                  "clickhouse-client",
                  "--config-file=" + config,
                  "--host",
                  "localhost",
                  "--port",
                  Integer.toString(port),
                  "--secure",
                  "--user",
                  "default",
                  "--password",
                  password,
                  "-q",
                  sql)
              .redirectErrorStream(true)
              .start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("clickhouse-client did not finish");
      }
      return new Answer(p.exitValue() == 0 ? 200 : 1000 + p.exitValue(), output.strip());
    } finally {
      Files.deleteIfExists(config);
    }
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

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }
}
