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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge against plain TCP upstreams that echo (or, when told, never answer, or reset), one or
 * several (the replicas of a service).
 */
class EdgeServerTest {
  private static final UUID SERVICE = UUID.randomUUID();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final AtomicInteger upstreamAccepted = new AtomicInteger();
  private volatile boolean upstreamAnswers = true;
  private ServerSocket upstream;
  private EdgeServer edge;
  private int port;

  /** An edge with room for many connections, for the tests with several replicas. */
  private EdgeServer many;

  private final List<Replica> replicas = new ArrayList<>();

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
    if (many != null) {
      many.close();
    }
    upstream.close();
    for (Replica r : replicas) {
      r.server.close();
    }
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
    return connect(port);
  }

  private static Socket connect(int publicPort) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", publicPort), 5000);
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

  @Test
  void connectionsAreSpreadOverTheReplicasByLeastConnectionsThenRoundRobin() throws Exception {
    List<Replica> replicas = List.of(echo('A'), echo('B'), echo('C'));
    int publicPort = exposeOn(replicas.stream().map(Replica::address).toList());
    List<Socket> held = new ArrayList<>();
    try {
      Map<Character, Socket> byReplica = new HashMap<>();
      for (int i = 0; i < 9; i++) {
        Socket s = connect(publicPort);
        held.add(s);
        byReplica.put(ask(s), s);
      }
      for (Replica r : replicas) {
        assertThat(r.accepted.get()).as("connections to %s", r.tag).isEqualTo(3);
      }
      assertThat(many.openConnections(SERVICE)).isEqualTo(9);

      // B has one connection fewer than the others: it takes the next one
      Socket fromB = byReplica.get('B');
      fromB.close();
      held.remove(fromB);
      await().atMost(Duration.ofSeconds(5)).until(() -> many.openConnections(SERVICE) == 8);
      Socket next = connect(publicPort);
      held.add(next);
      assertThat(ask(next)).as("least connections").isEqualTo('B');
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }

    // one at a time, every replica has as many connections as the others: round robin
    await().atMost(Duration.ofSeconds(5)).until(() -> many.openConnections(SERVICE) == 0);
    List<Character> answeredBy = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      try (Socket s = connect(publicPort)) {
        answeredBy.add(ask(s));
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> many.openConnections(SERVICE) == 0);
    }
    assertThat(answeredBy).containsOnly('A', 'B', 'C');
    assertThat(answeredBy.subList(0, 3)).doesNotHaveDuplicates();
    assertThat(answeredBy.subList(3, 6)).isEqualTo(answeredBy.subList(0, 3));
  }

  @Test
  void aReplicaThatRefusesOrResetsCostsTheClientsNothing() throws Exception {
    Replica resets = resetting('R');
    Replica echo = echo('E');
    int publicPort =
        exposeOn(List.of(deadAddress(), resets.address(), echo.address(), deadAddress()));
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Socket s = connect(publicPort);
        held.add(s);
        assertThat(ask(s)).as("client %d", i).isEqualTo('E');
      }
      // one connection at a time too (no replica is busier than another)
      for (int i = 0; i < 4; i++) {
        try (Socket s = connect(publicPort)) {
          assertThat(ask(s)).as("client %d one at a time", i).isEqualTo('E');
        }
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    assertThat(resets.accepted.get()).as("the resetting replica was tried").isPositive();
    assertThat(echo.accepted.get()).isEqualTo(12);
    await().atMost(Duration.ofSeconds(5)).until(() -> many.openConnections(SERVICE) == 0);
  }

  @Test
  void whenNoReplicaTakesTheConnectionTheClientIsClosed() throws Exception {
    Replica resets = resetting('R');
    int publicPort = exposeOn(List.of(deadAddress(), resets.address(), deadAddress()));
    try (Socket client = connect(publicPort)) {
      client.getOutputStream().write('x');
      assertThat(readOrTimeout(client)).as("closed by the edge").isEqualTo(-1);
    }
    assertThat(resets.accepted.get()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> many.openConnections(SERVICE) == 0);
  }

  @Test
  void aReplicaAddedByExposeTakesNewConnections() throws Exception {
    Replica a = echo('A');
    Replica b = echo('B');
    int publicPort = exposeOn(List.of(a.address()));
    try (Socket first = connect(publicPort)) {
      assertThat(ask(first)).isEqualTo('A');
      exposeOn(publicPort, List.of(a.address(), b.address()));
      try (Socket second = connect(publicPort)) {
        assertThat(ask(second)).as("the new replica has fewer connections").isEqualTo('B');
        exposeOn(publicPort, List.of(b.address()));
        assertThat(ask(first)).as("a connection to a replica that left is not cut").isEqualTo('A');
      }
    }
  }

  /** Sends one byte and returns the tag of the replica that answered (with the same byte). */
  private static char ask(Socket s) throws IOException {
    s.getOutputStream().write('?');
    InputStream in = s.getInputStream();
    int tag = in.read();
    assertThat(in.read()).as("the byte sent, echoed").isEqualTo('?');
    return (char) tag;
  }

  /** The service exposed on a new port by {@link #many}, leading to {@code upstreams}. */
  private int exposeOn(List<ReplicaAddress> upstreams) throws Exception {
    if (many == null) {
      many = new EdgeServer(100);
      many.gate(id -> CompletableFuture.completedFuture(null));
    }
    int publicPort;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      publicPort = free.getLocalPort();
    }
    exposeOn(publicPort, upstreams);
    return publicPort;
  }

  private void exposeOn(int publicPort, List<ReplicaAddress> upstreams) throws Exception {
    many.expose(
        new ExposedService(
            SERVICE,
            List.of(new Endpoint(EndpointKind.HTTPS, publicPort)),
            upstreams,
            new IpAccessListPolicy(List.of(new IpAccessEntry("0.0.0.0/0", ""))),
            "127.0.0.1"));
  }

  /** A replica's address where nothing listens. */
  private static ReplicaAddress deadAddress() throws IOException {
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new ReplicaAddress("127.0.0.1", free.getLocalPort(), 0);
    }
  }

  /** A replica that answers each byte with its tag and the byte. */
  private Replica echo(char tag) throws IOException {
    return replica(
        tag,
        s -> {
          InputStream in = s.getInputStream();
          for (int b; (b = in.read()) >= 0; ) {
            s.getOutputStream().write(new byte[] {(byte) tag, (byte) b});
          }
        });
  }

  /** A replica that reads the client's first byte and resets the connection without answering. */
  private Replica resetting(char tag) throws IOException {
    return replica(
        tag,
        s -> {
          s.getInputStream().read();
          s.setSoLinger(true, 0);
        });
  }

  private interface Session {
    void serve(Socket s) throws IOException;
  }

  private Replica replica(char tag, Session session) throws IOException {
    Replica r = new Replica(tag, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    replicas.add(r);
    threads.execute(
        () -> {
          while (!r.server.isClosed()) {
            try {
              Socket s = r.server.accept();
              r.accepted.incrementAndGet();
              threads.execute(
                  () -> {
                    try (s) {
                      session.serve(s);
                    } catch (IOException e) {
                      // the edge closed it
                    }
                  });
            } catch (IOException e) {
              return;
            }
          }
        });
    return r;
  }

  /** A plain TCP stand-in for a replica, and how many connections it accepted. */
  private record Replica(char tag, ServerSocket server, AtomicInteger accepted) {
    Replica(char tag, ServerSocket server) {
      this(tag, server, new AtomicInteger());
    }

    ReplicaAddress address() {
      return new ReplicaAddress("127.0.0.1", server.getLocalPort(), 0);
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
