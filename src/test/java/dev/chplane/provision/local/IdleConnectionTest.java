package dev.chplane.provision.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The race behind "HTTP/1.1 header parser received no bytes": a server closes a keep-alive
 * connection idle for its timeout just as the client sends the next request on it. Here a server
 * closes every connection, unanswered, when a request arrives on it after {@link
 * ClickHouseHttp#SERVER_KEEP_ALIVE} of idleness, which is that moment made certain. The client must
 * have dropped the connection before then (the test JVM has the setting {@code Main} makes).
 */
class IdleConnectionTest {
  private final ServerSocket listener;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger closedByClient = new AtomicInteger();

  IdleConnectionTest() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "idle-connection-test-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  @AfterEach
  void close() throws IOException {
    listener.close();
  }

  @Test
  void theClientDropsAnIdleConnectionBeforeTheServerDoes() throws Exception {
    assertThat(ClickHouseHttp.CLIENT_KEEP_ALIVE)
        .isLessThan(ClickHouseHttp.CLIENT_KEEP_ALIVE_AT_MOST);
    assertThat(ClickHouseHttp.CLIENT_KEEP_ALIVE_AT_MOST)
        .isLessThan(ClickHouseHttp.SERVER_KEEP_ALIVE);
    assertThat(ClickHouseHttp.idleConnectionsLimited())
        .as("the test JVM sets " + ClickHouseHttp.KEEP_ALIVE_PROPERTY)
        .isTrue();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    assertThat(send(client)).isEqualTo("ok");
    // the client, not the server, ends the idle connection, before the server's timeout
    await()
        .atMost(ClickHouseHttp.CLIENT_KEEP_ALIVE_AT_MOST.plusMillis(500))
        .untilAtomic(closedByClient, org.hamcrest.Matchers.equalTo(1));
    // the next request has a connection of its own, which the server answers
    assertThat(send(client)).isEqualTo("ok");
    assertThat(connections).hasValue(2);
  }

  private String send(HttpClient client) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/"))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString("SELECT 1"))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        connections.incrementAndGet();
        Thread t = new Thread(() -> serve(socket), "idle-connection-test-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  /**
   * Answers requests until the client closes, or closes unanswered a request that comes too late.
   */
  private void serve(Socket socket) {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      long idleSince = System.nanoTime();
      while (true) {
        int first = in.read();
        if (first < 0) {
          closedByClient.incrementAndGet();
          return;
        }
        if (System.nanoTime() - idleSince >= ClickHouseHttp.SERVER_KEEP_ALIVE.toNanos()) {
          // the server's keep-alive timer fired: the request is never read, never answered
          return;
        }
        int length = readHeaders(in, (char) first);
        in.readNBytes(length);
        out.write(
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        idleSince = System.nanoTime();
      }
    } catch (IOException e) {
      // the test ended
    }
  }

  /** Reads the request's head and returns its Content-Length. */
  private static int readHeaders(InputStream in, char first) throws IOException {
    StringBuilder head = new StringBuilder().append(first);
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("request cut short");
      }
      head.append((char) c);
    }
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring("content-length:".length()).strip());
      }
    }
    return 0;
  }
}
