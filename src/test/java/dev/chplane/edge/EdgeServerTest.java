package dev.chplane.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chplane.domain.IpAccessEntry;
import dev.chplane.exposure.Endpoint;
import dev.chplane.exposure.EndpointKind;
import dev.chplane.exposure.ExposedService;
import dev.chplane.exposure.IpAccessListPolicy;
import dev.chplane.provision.ReplicaAddress;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The edge against a plain TCP upstream that echoes (or, when told, never answers). */
class EdgeServerTest {
  private static final UUID SERVICE = UUID.randomUUID();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final AtomicInteger upstreamAccepted = new AtomicInteger();
  private volatile boolean upstreamAnswers = true;
  private ServerSocket upstream;
  private EdgeServer edge;
  private int port;

  @BeforeEach
  void start() throws Exception {
    upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::echo);
    edge = new EdgeServer(2);
    edge.gate(id -> CompletableFuture.completedFuture(null));
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    edge.expose(
        new ExposedService(
            SERVICE,
            List.of(new Endpoint(EndpointKind.HTTPS, port)),
            List.of(new ReplicaAddress("127.0.0.1", upstream.getLocalPort(), 0)),
            new IpAccessListPolicy(List.of(new IpAccessEntry("0.0.0.0/0", ""))),
            "127.0.0.1"));
  }

  @AfterEach
  void stop() throws IOException {
    edge.close();
    upstream.close();
    threads.shutdownNow();
  }

  private void echo() {
    while (!upstream.isClosed()) {
      try {
        Socket s = upstream.accept();
        upstreamAccepted.incrementAndGet();
        threads.execute(
            () -> {
              try (s) {
                InputStream in = s.getInputStream();
                for (int b; (b = in.read()) >= 0; ) {
                  if (upstreamAnswers) {
                    s.getOutputStream().write(b);
                  }
                }
              } catch (IOException e) {
                // the edge closed it
              }
            });
      } catch (IOException e) {
        return;
      }
    }
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(20_000);
    return s;
  }

  @Test
  void theUpstreamConnectionIsOpenedOnlyOnceTheClientSpeaks() throws Exception {
    try (Socket client = connect()) {
      await()
          .during(Duration.ofMillis(700))
          .atMost(Duration.ofSeconds(2))
          .until(() -> upstreamAccepted.get() == 0);
      assertThat(edge.openConnections(SERVICE))
          .as("a silent connection does not count as use")
          .isZero();
      client.getOutputStream().write('x');
      assertThat(client.getInputStream().read()).isEqualTo('x');
      assertThat(upstreamAccepted.get()).isEqualTo(1);
      assertThat(edge.openConnections(SERVICE)).isEqualTo(1);
    }
  }

  @Test
  void aSilentConnectionIsClosedAfterTheFirstByteTimeout() throws Exception {
    try (Socket client = connect()) {
      long start = System.nanoTime();
      assertThat(readOrTimeout(client)).as("closed by the edge").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isBetween(
              EdgeServer.FIRST_BYTE_TIMEOUT.minusSeconds(1),
              EdgeServer.FIRST_BYTE_TIMEOUT.plusSeconds(3));
      assertThat(upstreamAccepted.get()).isZero();
    }
  }

  @Test
  void aConnectionWhoseServerNeverAnswersIsClosedAfterTheAnswerTimeout() throws Exception {
    upstreamAnswers = false;
    try (Socket client = connect()) {
      client.getOutputStream().write(0x16);
      assertThat(readOrTimeout(client)).as("closed by the edge").isEqualTo(-1);
      assertThat(upstreamAccepted.get()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(5)).until(() -> edge.openConnections(SERVICE) == 0);
    }
  }

  @Test
  void connectionsBeyondTheServicesCapAreClosedAndTheOthersKeepWorking() throws Exception {
    try (Socket first = connect();
        Socket second = connect();
        Socket third = connect()) {
      for (Socket s : List.of(first, second)) {
        s.getOutputStream().write('a');
        assertThat(s.getInputStream().read()).isEqualTo('a');
      }
      third.getOutputStream().write('c');
      assertThat(readOrTimeout(third)).as("the third is over the cap of 2").isEqualTo(-1);
      first.getOutputStream().write('b');
      assertThat(first.getInputStream().read()).isEqualTo('b');
      assertThat(upstreamAccepted.get()).isEqualTo(2);
    }
    // a closed connection makes room again
    await().atMost(Duration.ofSeconds(5)).until(() -> edge.openConnections(SERVICE) == 0);
    try (Socket again = connect()) {
      again.getOutputStream().write('d');
      assertThat(again.getInputStream().read()).isEqualTo('d');
    }
  }

  private static int readOrTimeout(Socket s) throws IOException {
    try {
      return s.getInputStream().read();
    } catch (SocketTimeoutException e) {
      return -2;
    } catch (IOException e) {
      return -1; // reset by the edge
    }
  }
}
