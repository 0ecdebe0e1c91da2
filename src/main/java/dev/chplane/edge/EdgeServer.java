package dev.chplane.edge;

import dev.chplane.exposure.AdmissionPolicy;
import dev.chplane.exposure.ConnectionGate;
import dev.chplane.exposure.Endpoint;
import dev.chplane.exposure.EndpointKind;
import dev.chplane.exposure.ExposedService;
import dev.chplane.exposure.Exposure;
import dev.chplane.exposure.ExposureException;
import dev.chplane.exposure.ServiceActivity;
import dev.chplane.provision.ReplicaAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * chplane's edge, the local {@link Exposure}: listens on the public endpoint ports of every service
 * (each on its route's bind address) and forwards each admitted connection, byte for byte (TLS
 * passes through untouched), to the same protocol on one of the service's replicas. It refuses
 * clients its route's admission policy does not admit at accept time and keeps the time of each
 * service's last connection activity. One selector thread does all the I/O; nothing on it blocks
 * (upstream connects are non-blocking, host names are resolved when a service is exposed).
 *
 * <p>Each new connection goes to the upstream with the fewest open connections on its endpoint,
 * round robin among equals. An upstream that refuses the connection, resets or closes it before its
 * server's first byte, or does not accept it within {@link #CONNECT_TIMEOUT}, is left for the next
 * upstream this connection has not tried, with the client's bytes sent so far sent again (the
 * client sees nothing of it), and comes after the others for new connections for a few seconds;
 * when every upstream has failed, the client is closed and a warning logged.
 *
 * <p>Idle connections cannot take a server's connections away from others, chplane included: the
 * upstream connection is opened (and an idle service woken) only once the client has sent its first
 * bytes (native, HTTP and TLS clients all speak first); a client that sends nothing within {@link
 * #FIRST_BYTE_TIMEOUT}, or whose server has not answered within {@link #ANSWER_TIMEOUT} of the
 * upstream connection (an unfinished TLS handshake), is closed; and at most {@code
 * maxForwardedPerService} connections per service (both endpoints together) are forwarded, which
 * the caller sets below the server's {@code max_connections} so that chplane's own connections
 * always find room. Each endpoint holds at most {@link #MAX_CONNECTIONS_PER_ENDPOINT} connections;
 * when it is full a new client takes the place of the oldest silent one, so silent connections
 * cannot lock out clients that speak.
 */
public final class EdgeServer implements Exposure, ServiceActivity, AutoCloseable {
  /** Connections one endpoint holds at once, silent ones included. */
  public static final int MAX_CONNECTIONS_PER_ENDPOINT = 1024;

  /** How long a new connection may stay silent before the edge closes it. */
  public static final Duration FIRST_BYTE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * How long the server may take to answer a forwarded connection's first bytes (e.g. a TLS
   * handshake).
   */
  public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

  /** How long an upstream may take to accept a connection before the edge tries the next one. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * File descriptors left to the rest of chplane when the edge's share of the limit is worked out.
   */
  private static final long DESCRIPTORS_KEPT = 1024;

  private static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);
  private static final Logger log = LoggerFactory.getLogger(EdgeServer.class);

  private final int maxForwardedPerService;
  private final int maxOpen;
  private volatile ConnectionGate gate =
      id -> CompletableFuture.failedFuture(new IllegalStateException("not ready"));
  private final Selector selector;
  private final Thread loop;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Map<Integer, Route> routes = new ConcurrentHashMap<>();
  private final Map<Integer, ServerSocketChannel> listeners = new ConcurrentHashMap<>();

  /** Connections forwarded to each service's server now, both endpoints together. */
  private final Map<UUID, AtomicInteger> forwarded = new ConcurrentHashMap<>();

  private volatile boolean running = true;

  /**
   * @param maxForwardedPerService connections forwarded to one service's server at once; more are
   *     closed once they have sent their first bytes
   */
  public EdgeServer(int maxForwardedPerService) {
    this.maxForwardedPerService = maxForwardedPerService;
    // each connection takes two descriptors (client and upstream)
    this.maxOpen =
        (int) Math.min(Integer.MAX_VALUE, Math.max(64, (descriptorLimit() - DESCRIPTORS_KEPT) / 2));
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the edge's selector", e);
    }
    this.loop = new Thread(this::run, "edge");
    this.loop.setDaemon(true);
    this.loop.start();
  }

  /** Sets who decides whether a service takes a connection (set once at start). */
  public void gate(ConnectionGate value) {
    this.gate = value;
  }

  @Override
  public void expose(ExposedService service) throws ExposureException {
    IOException failed = null;
    for (Endpoint e : service.endpoints()) {
      try {
        route(
            service.serviceId(),
            e.publicPort(),
            service.bindAddress(),
            upstreams(service.upstreams(), e.kind()),
            service.admission());
      } catch (IOException ex) {
        failed = ex;
      }
    }
    if (failed != null) {
      throw new ExposureException(
          "the edge cannot listen on the endpoint ports of service "
              + service.serviceId()
              + ": "
              + failed.getMessage(),
          failed);
    }
  }

  /**
   * The replicas' ports of {@code kind}, each once, in order; resolved here rather than on the
   * selector thread.
   */
  private static List<InetSocketAddress> upstreams(
      List<ReplicaAddress> replicas, EndpointKind kind) {
    return replicas.stream()
        .map(
            r ->
                new InetSocketAddress(
                    r.host(),
                    switch (kind) {
                      case HTTPS -> r.httpsPort();
                      case NATIVE_SECURE -> r.nativeSecurePort();
                    }))
        .distinct()
        .toList();
  }

  /**
   * Listens on {@code publicPort} for {@code serviceId}, forwarding to {@code upstreams};
   * idempotent.
   */
  private void route(
      UUID serviceId,
      int publicPort,
      String bindAddress,
      List<InetSocketAddress> upstreams,
      AdmissionPolicy admission)
      throws IOException {
    Route existing = routes.get(publicPort);
    if (existing != null && existing.bindAddress.equals(bindAddress)) {
      existing.upstreams = upstreams;
      existing.admission = admission;
      return;
    }
    if (existing != null) {
      close(existing);
    }
    ServerSocketChannel server = ServerSocketChannel.open();
    try {
      server.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(new InetSocketAddress(bindAddress, publicPort), 256);
      server.configureBlocking(false);
    } catch (IOException e) {
      server.close();
      throw e;
    }
    Route route = new Route(serviceId, publicPort, bindAddress, upstreams, admission);
    routes.put(publicPort, route);
    listeners.put(publicPort, server);
    submit(
        () -> {
          try {
            server.register(selector, SelectionKey.OP_ACCEPT, route);
          } catch (IOException e) {
            log.error("edge: cannot listen on port {}: {}", publicPort, e.getMessage());
          }
        });
  }

  @Override
  public void withdraw(UUID serviceId) {
    for (Route r : List.copyOf(routes.values())) {
      if (r.serviceId.equals(serviceId)) {
        close(r);
      }
    }
  }

  /** Stops listening on the route's port and closes its connections. */
  private void close(Route r) {
    routes.remove(r.publicPort);
    ServerSocketChannel server = listeners.remove(r.publicPort);
    submit(
        () -> {
          for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Connection c && c.route == r) {
              c.close();
            }
          }
          try {
            server.close();
          } catch (IOException e) {
            log.debug("edge: closing port {}: {}", r.publicPort, e.toString());
          }
        });
  }

  /**
   * Connections forwarded to the service's server now (silent ones, which never reach it, do not
   * count).
   */
  @Override
  public int openConnections(UUID serviceId) {
    AtomicInteger count = forwarded.get(serviceId);
    return count == null ? 0 : count.get();
  }

  @Override
  public long lastActivityNanos(UUID serviceId) {
    return routes.values().stream()
        .filter(r -> r.serviceId.equals(serviceId))
        .mapToLong(r -> r.lastActivityNanos.get())
        .max()
        .orElse(0);
  }

  private void submit(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  private void run() {
    long nextSweep = System.nanoTime();
    while (running) {
      try {
        selector.select(250);
        for (Runnable task; (task = tasks.poll()) != null; ) {
          task.run();
        }
        var selected = selector.selectedKeys().iterator();
        while (selected.hasNext()) {
          SelectionKey key = selected.next();
          selected.remove();
          handle(key);
        }
        long now = System.nanoTime();
        if (now - nextSweep >= 0) {
          closeOverdue(now);
          nextSweep = now + Duration.ofMillis(250).toNanos();
        }
      } catch (IOException | RuntimeException e) {
        log.error("edge: selector loop error: {}", e.toString());
      }
    }
  }

  /**
   * Closes connections that stayed silent, or whose server did not answer, past their deadline;
   * moves a connection whose upstream did not accept it in time on to the next upstream.
   */
  private void closeOverdue(long now) {
    for (Route route : routes.values()) {
      List<Connection> overdue = new ArrayList<>();
      for (Connection c : route.waiting) {
        if (now - c.deadlineNanos >= 0) {
          overdue.add(c);
        }
      }
      for (Connection c : overdue) {
        if (c.connecting) {
          failOver(c, "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s");
          continue;
        }
        log.debug(
            "edge: port {}: closing a connection that {}",
            route.publicPort,
            c.silent
                ? "sent nothing for " + FIRST_BYTE_TIMEOUT.toSeconds() + " s"
                : "the server did not answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
        c.close();
      }
    }
  }

  private void handle(SelectionKey key) {
    if (!key.isValid()) {
      return;
    }
    if (key.isAcceptable()) {
      accept(key);
      return;
    }
    Connection c = (Connection) key.attachment();
    if (c.closed) {
      return;
    }
    try {
      if (key.isConnectable()) {
        connected(c);
        return;
      }
      if (c.connecting) {
        // an upstream that failed in this round left a readable client: read it once connected
        return;
      }
      boolean fromClient = key.channel() == c.client;
      if (c.silent) {
        if (key.isReadable()) {
          firstBytes(c);
        }
        return;
      }
      if (key.isReadable()) {
        read(c, fromClient);
      }
      if (key.isValid() && key.isWritable()) {
        // this key's side can take more: write what waits for it
        flush(c, fromClient);
      }
      finishIfDone(c);
    } catch (UpstreamFailure e) {
      if (c.beforeAnswer()) {
        failOver(c, e.getMessage());
      } else {
        c.close();
      }
    } catch (IOException | java.nio.channels.CancelledKeyException e) {
      c.close();
    }
  }

  private void accept(SelectionKey key) {
    Route route = (Route) key.attachment();
    SocketChannel client;
    try {
      client = ((ServerSocketChannel) key.channel()).accept();
      if (client == null) {
        return;
      }
      client.configureBlocking(false);
      if (!route.admission.admits(((InetSocketAddress) client.getRemoteAddress()).getAddress())) {
        client.close();
        return;
      }
      if (!roomFor(route)) {
        refused(route, "endpoint full");
        client.close();
        return;
      }
    } catch (IOException e) {
      log.debug("edge: accept on port {} failed: {}", route.publicPort, e.toString());
      return;
    }
    route.open.incrementAndGet();
    Connection c = new Connection(route, client, System.nanoTime() + FIRST_BYTE_TIMEOUT.toNanos());
    route.waiting.add(c);
    try {
      c.clientKey = client.register(selector, SelectionKey.OP_READ, c);
    } catch (IOException e) {
      c.close();
    }
  }

  /**
   * Whether the endpoint (and the edge as a whole) can take one more connection; when it is full,
   * the oldest connection that has not sent anything yet makes room.
   */
  private boolean roomFor(Route route) {
    boolean full =
        route.open.get() >= MAX_CONNECTIONS_PER_ENDPOINT
            || routes.values().stream().mapToInt(r -> r.open.get()).sum() >= maxOpen;
    if (!full) {
      return true;
    }
    for (Connection oldest : route.waiting) {
      if (oldest.silent) {
        oldest.close();
        return true;
      }
    }
    return false;
  }

  /** The client's first bytes: only now is the service woken and the upstream connection opened. */
  private void firstBytes(Connection c) throws IOException {
    try {
      c.allocateBuffers();
    } catch (OutOfMemoryError e) {
      // direct memory for buffers ran out: this connection goes, the edge stays up for the others
      refused(c.route, "no memory left for its buffers");
      c.close();
      return;
    }
    int n = c.client.read(c.toUpstream);
    if (n < 0) {
      c.close();
      return;
    }
    if (n == 0) {
      return;
    }
    c.silent = false;
    c.route.waiting.remove(c);
    c.clientKey.interestOps(0);
    AtomicInteger count = forwarded.computeIfAbsent(c.route.serviceId, id -> new AtomicInteger());
    if (count.get() >= maxForwardedPerService) {
      refused(
          c.route,
          "the service's server takes no more than " + maxForwardedPerService + " connections");
      c.close();
      return;
    }
    count.incrementAndGet();
    c.forwardedCount = count;
    c.route.touch();
    gate.ready(c.route.serviceId)
        .whenComplete(
            (ok, refused) ->
                submit(
                    () -> {
                      if (c.closed) {
                        return;
                      }
                      if (refused != null) {
                        c.close();
                      } else {
                        connectUpstream(c);
                      }
                    }));
  }

  /** Notes a connection closed by a limit; warns at most once a minute per endpoint. */
  private void refused(Route route, String why) {
    route.refused++;
    long now = System.nanoTime();
    if (route.lastWarningNanos == 0 || now - route.lastWarningNanos > WARNING_INTERVAL.toNanos()) {
      log.warn(
          "edge: service {} port {}: closed {} connection(s) at a limit ({})",
          route.serviceId,
          route.publicPort,
          route.refused,
          why);
      route.refused = 0;
      route.lastWarningNanos = now;
    }
  }

  /**
   * Starts a non-blocking connect to the next upstream for the connection: the least loaded one it
   * has not tried; closes the client when none is left.
   */
  private void connectUpstream(Connection c) {
    long now = System.nanoTime();
    InetSocketAddress target = c.route.pick(c.tried, now);
    if (target == null) {
      unreachable(c);
      c.close();
      return;
    }
    c.target = target;
    c.tried.add(target);
    c.connecting = true;
    c.deadlineNanos = now + CONNECT_TIMEOUT.toNanos();
    c.route.waiting.remove(c);
    c.route.waiting.add(c);
    try {
      c.upstream = SocketChannel.open();
      c.upstream.configureBlocking(false);
      c.upstream.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
      c.client.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
      c.upstreamKey = c.upstream.register(selector, SelectionKey.OP_CONNECT, c);
      boolean connectedAtOnce;
      try {
        connectedAtOnce = c.upstream.connect(target);
      } catch (IOException | UnresolvedAddressException | UnsupportedAddressTypeException e) {
        throw new UpstreamFailure(e.toString());
      }
      if (connectedAtOnce) {
        connected(c);
      }
    } catch (UpstreamFailure e) {
      failOver(c, e.getMessage());
    } catch (IOException e) {
      // the client's side failed, or the edge has no descriptor left
      c.close();
    }
  }

  private void connected(Connection c) throws IOException {
    if (c.upstream.isConnectionPending()) {
      try {
        c.upstream.finishConnect();
      } catch (IOException e) {
        throw new UpstreamFailure(e.toString());
      }
    }
    c.connecting = false;
    c.upstreamKey.interestOps(SelectionKey.OP_READ);
    c.awaitingAnswer = true;
    c.deadlineNanos = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
    c.route.waiting.remove(c);
    c.route.waiting.add(c);
    // the client's first bytes wait in the buffer; writing them on resumes reading the client
    flush(c, false);
  }

  /**
   * The connection's upstream failed before answering: it starts over with the next upstream, the
   * bytes sent so far sent again, or is closed when none is left (or the bytes cannot be replayed).
   */
  private void failOver(Connection c, String why) {
    InetSocketAddress failed = c.target;
    if (failed != null) {
      c.route.failed(failed, System.nanoTime());
    }
    log.debug(
        "edge: service {} port {}: upstream {} failed a connection ({}), trying the next",
        c.route.serviceId,
        c.route.publicPort,
        failed,
        why);
    c.lastFailure = failed + ": " + why;
    if (!c.rewind()) {
      unreachable(c);
      c.close();
      return;
    }
    if (!c.clientKey.isValid()) {
      c.close();
      return;
    }
    // the client is read again once the next upstream takes what waits for it
    c.clientKey.interestOps(0);
    connectUpstream(c);
  }

  /**
   * A client closed because no upstream took its connection; warns at once, then at most once a
   * minute per endpoint.
   */
  private void unreachable(Connection c) {
    Route route = c.route;
    route.unreachable++;
    long now = System.nanoTime();
    if (route.lastUnreachableWarningNanos == 0
        || now - route.lastUnreachableWarningNanos > WARNING_INTERVAL.toNanos()) {
      log.warn(
          "edge: service {} port {}: closed {} client(s) that no replica took (tried {}; last: {})",
          route.serviceId,
          route.publicPort,
          route.unreachable,
          c.tried,
          c.lastFailure);
      route.unreachable = 0;
      route.lastUnreachableWarningNanos = now;
    }
  }

  /** Reads what one side sent into the buffer toward the other side, then writes it on. */
  private void read(Connection c, boolean fromClient) throws IOException {
    SocketChannel from = fromClient ? c.client : c.upstream;
    ByteBuffer buffer = fromClient ? c.toUpstream : c.toClient;
    int n;
    if (fromClient) {
      n = from.read(buffer);
    } else {
      try {
        n = from.read(buffer);
      } catch (IOException e) {
        throw new UpstreamFailure(e.toString());
      }
      if (n < 0 && c.awaitingAnswer) {
        throw new UpstreamFailure("closed before answering");
      }
    }
    if (n < 0) {
      if (fromClient) {
        c.clientDone = true;
      } else {
        c.upstreamDone = true;
      }
      keyOf(c, fromClient).interestOps(keyOf(c, fromClient).interestOps() & ~SelectionKey.OP_READ);
    } else if (n > 0) {
      c.route.touch();
      if (!fromClient && c.awaitingAnswer) {
        c.awaitingAnswer = false;
        c.replay = null;
        c.route.waiting.remove(c);
        c.route.answered(c.target);
      }
    }
    flush(c, !fromClient);
  }

  /** Writes the buffer toward {@code toClient}'s side; pauses the reading side while bytes wait. */
  private void flush(Connection c, boolean toClient) throws IOException {
    ByteBuffer buffer = toClient ? c.toClient : c.toUpstream;
    SocketChannel to = toClient ? c.client : c.upstream;
    SelectionKey toKey = keyOf(c, toClient);
    SelectionKey fromKey = keyOf(c, !toClient);
    buffer.flip();
    if (toClient) {
      to.write(buffer);
    } else {
      int from = buffer.position();
      try {
        to.write(buffer);
      } catch (IOException e) {
        buffer.compact(); // what was not written waits for the next upstream
        throw new UpstreamFailure(e.toString());
      }
      if (c.awaitingAnswer) {
        c.keepForReplay(buffer, from);
      }
    }
    buffer.compact();
    boolean pending = buffer.position() > 0;
    boolean sourceDone = toClient ? c.upstreamDone : c.clientDone;
    toKey.interestOps(
        pending
            ? toKey.interestOps() | SelectionKey.OP_WRITE
            : toKey.interestOps() & ~SelectionKey.OP_WRITE);
    if (!sourceDone) {
      fromKey.interestOps(
          pending
              ? fromKey.interestOps() & ~SelectionKey.OP_READ
              : fromKey.interestOps() | SelectionKey.OP_READ);
    } else if (!pending) {
      try {
        to.shutdownOutput();
      } catch (IOException e) {
        if (toClient) {
          throw e;
        }
        throw new UpstreamFailure(e.toString());
      }
    }
  }

  /** An I/O error on the upstream side of a connection (not the client's). */
  private static final class UpstreamFailure extends IOException {
    UpstreamFailure(String message) {
      super(message);
    }
  }

  private static SelectionKey keyOf(Connection c, boolean client) {
    return client ? c.clientKey : c.upstreamKey;
  }

  private static void finishIfDone(Connection c) {
    if (c.toUpstream != null
        && c.clientDone
        && c.upstreamDone
        && c.toClient.position() == 0
        && c.toUpstream.position() == 0) {
      c.close();
    }
  }

  private static long descriptorLimit() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return 4096;
  }

  @Override
  public void close() {
    running = false;
    selector.wakeup();
    try {
      loop.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (SelectionKey key : selector.keys()) {
      if (key.attachment() instanceof Connection c) {
        c.close();
      }
    }
    for (ServerSocketChannel server : listeners.values()) {
      try {
        server.close();
      } catch (IOException e) {
        log.debug("edge: closing a listener: {}", e.toString());
      }
    }
    try {
      selector.close();
    } catch (IOException e) {
      log.debug("edge: closing the selector: {}", e.toString());
    }
  }
}
