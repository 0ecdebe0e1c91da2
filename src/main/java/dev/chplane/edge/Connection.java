package dev.chplane.edge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection and, once the client has sent its first bytes, its upstream connection to
 * the server. Each direction has one buffer that bytes pass through once (read from one side,
 * written to the other); a side stops being read while the other cannot take more. A side that
 * reaches end of stream half-closes the other once its bytes are written; the pair is closed when
 * both directions are done. A silent connection has no buffers and no upstream, so it costs the
 * server nothing. Touched by the edge's selector thread only.
 */
final class Connection {
  static final int BUFFER = 64 * 1024;

  final Route route;
  final SocketChannel client;
  SocketChannel upstream;
  SelectionKey clientKey;
  SelectionKey upstreamKey;
  ByteBuffer toUpstream;
  ByteBuffer toClient;

  /** True until the client's first bytes arrive. */
  boolean silent = true;

  /** True from the upstream connect until the server's first bytes arrive (a TLS handshake). */
  boolean awaitingAnswer;

  /**
   * {@link System#nanoTime()} by which the connection must move on, while it is in {@link
   * Route#waiting}.
   */
  long deadlineNanos;

  /** The service's count of forwarded connections, once this one counts in it. */
  AtomicInteger forwardedCount;

  boolean clientDone;
  boolean upstreamDone;
  boolean closed;

  Connection(Route route, SocketChannel client, long deadlineNanos) {
    this.route = route;
    this.client = client;
    this.deadlineNanos = deadlineNanos;
  }

  void allocateBuffers() {
    if (toUpstream == null) {
      toUpstream = ByteBuffer.allocateDirect(BUFFER);
      toClient = ByteBuffer.allocateDirect(BUFFER);
    }
  }

  void close() {
    if (closed) {
      return;
    }
    closed = true;
    route.open.decrementAndGet();
    route.waiting.remove(this);
    if (forwardedCount != null) {
      forwardedCount.decrementAndGet();
      route.touch();
    }
    quietly(client);
    if (upstream != null) {
      quietly(upstream);
    }
  }

  private static void quietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
