package dev.chplane.edge;

import dev.chplane.domain.IpAccessEntry;
import dev.chplane.domain.IpMatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * chplane's edge: listens on the public endpoint ports of every service and forwards each admitted
 * connection, byte for byte (TLS passes through untouched), to the service's server on its
 * internal port. It refuses clients outside the service's IP access list at accept time, caps the
 * open connections per endpoint, and keeps the time of each service's last connection activity.
 * One selector thread does all the I/O.
 */
public final class EdgeServer implements ServiceActivity, AutoCloseable {
  /** Connections one endpoint takes at once; more are closed at accept. */
  public static final int MAX_CONNECTIONS_PER_ENDPOINT = 1024;
  private static final Logger log = LoggerFactory.getLogger(EdgeServer.class);

  private final String listenHost;
  private volatile ConnectionGate gate = id -> CompletableFuture.failedFuture(new IllegalStateException("not ready"));
  private final Selector selector;
  private final Thread loop;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Map<Integer, Route> routes = new ConcurrentHashMap<>();
  private final Map<Integer, ServerSocketChannel> listeners = new ConcurrentHashMap<>();
  private volatile boolean running = true;

  public EdgeServer(String listenHost) {
    this.listenHost = listenHost;
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

  /** Listens on {@code publicPort} for {@code serviceId}, forwarding to {@code internalPort}; idempotent. */
  public void route(UUID serviceId, int publicPort, int internalPort, List<IpAccessEntry> allowed) throws IOException {
    Route existing = routes.get(publicPort);
    if (existing != null) {
      existing.internalPort = internalPort;
      existing.allowed = List.copyOf(allowed);
      return;
    }
    ServerSocketChannel server = ServerSocketChannel.open();
    server.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
    server.bind(new InetSocketAddress(listenHost, publicPort), 256);
    server.configureBlocking(false);
    Route route = new Route(serviceId, publicPort, internalPort, List.copyOf(allowed));
    routes.put(publicPort, route);
    listeners.put(publicPort, server);
    submit(() -> {
      try {
        server.register(selector, SelectionKey.OP_ACCEPT, route);
      } catch (IOException e) {
        log.error("edge: cannot listen on port {}: {}", publicPort, e.getMessage());
      }
    });
  }

  /** Stops listening on a service's ports and closes its connections. */
  public void unroute(UUID serviceId) {
    for (Route r : List.copyOf(routes.values())) {
      if (r.serviceId.equals(serviceId)) {
        routes.remove(r.publicPort);
        ServerSocketChannel server = listeners.remove(r.publicPort);
        submit(() -> {
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
    }
  }

  @Override
  public int openConnections(UUID serviceId) {
    return routes.values().stream().filter(r -> r.serviceId.equals(serviceId)).mapToInt(r -> r.open.get()).sum();
  }

  @Override
  public long lastActivityNanos(UUID serviceId) {
    return routes.values().stream().filter(r -> r.serviceId.equals(serviceId))
        .mapToLong(r -> r.lastActivityNanos.get()).max().orElse(0);
  }

  private void submit(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  private void run() {
    while (running) {
      try {
        selector.select(1000);
        for (Runnable task; (task = tasks.poll()) != null; ) {
          task.run();
        }
        var selected = selector.selectedKeys().iterator();
        while (selected.hasNext()) {
          SelectionKey key = selected.next();
          selected.remove();
          handle(key);
        }
      } catch (IOException | RuntimeException e) {
        log.error("edge: selector loop error: {}", e.toString());
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
    try {
      if (key.isConnectable()) {
        connected(c);
        return;
      }
      boolean fromClient = key.channel() == c.client;
      if (key.isReadable()) {
        read(c, fromClient);
      }
      if (key.isValid() && key.isWritable()) {
        // this key's side can take more: write what waits for it
        flush(c, fromClient);
      }
      finishIfDone(c);
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
      String address = ((InetSocketAddress) client.getRemoteAddress()).getAddress().getHostAddress();
      if (!IpMatcher.admits(route.allowed, address) || route.open.get() >= MAX_CONNECTIONS_PER_ENDPOINT) {
        client.close();
        return;
      }
    } catch (IOException e) {
      log.debug("edge: accept on port {} failed: {}", route.publicPort, e.toString());
      return;
    }
    route.open.incrementAndGet();
    route.touch();
    Connection c = new Connection(route, client);
    gate.ready(route.serviceId).whenComplete((ok, refused) -> submit(() -> {
      if (refused != null) {
        c.close();
      } else {
        connectUpstream(c);
      }
    }));
  }

  private void connectUpstream(Connection c) {
    try {
      c.upstream = SocketChannel.open();
      c.upstream.configureBlocking(false);
      c.upstream.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
      c.client.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
      c.upstreamKey = c.upstream.register(selector, SelectionKey.OP_CONNECT, c);
      if (c.upstream.connect(new InetSocketAddress("127.0.0.1", c.route.internalPort))) {
        connected(c);
      }
    } catch (IOException e) {
      c.close();
    }
  }

  private void connected(Connection c) throws IOException {
    if (c.upstream.isConnectionPending()) {
      c.upstream.finishConnect();
    }
    c.upstreamKey.interestOps(SelectionKey.OP_READ);
    c.clientKey = c.client.register(selector, SelectionKey.OP_READ, c);
  }

  /** Reads what one side sent into the buffer toward the other side, then writes it on. */
  private void read(Connection c, boolean fromClient) throws IOException {
    SocketChannel from = fromClient ? c.client : c.upstream;
    ByteBuffer buffer = fromClient ? c.toUpstream : c.toClient;
    int n = from.read(buffer);
    if (n < 0) {
      if (fromClient) {
        c.clientDone = true;
      } else {
        c.upstreamDone = true;
      }
      keyOf(c, fromClient).interestOps(keyOf(c, fromClient).interestOps() & ~SelectionKey.OP_READ);
    } else if (n > 0) {
      c.route.touch();
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
    to.write(buffer);
    buffer.compact();
    boolean pending = buffer.position() > 0;
    boolean sourceDone = toClient ? c.upstreamDone : c.clientDone;
    toKey.interestOps(pending ? toKey.interestOps() | SelectionKey.OP_WRITE : toKey.interestOps() & ~SelectionKey.OP_WRITE);
    if (!sourceDone) {
      fromKey.interestOps(pending ? fromKey.interestOps() & ~SelectionKey.OP_READ : fromKey.interestOps() | SelectionKey.OP_READ);
    } else if (!pending) {
      to.shutdownOutput();
    }
  }

  private static SelectionKey keyOf(Connection c, boolean client) {
    return client ? c.clientKey : c.upstreamKey;
  }

  private static void finishIfDone(Connection c) {
    if (c.clientDone && c.upstreamDone && c.toClient.position() == 0 && c.toUpstream.position() == 0) {
      c.close();
    }
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
