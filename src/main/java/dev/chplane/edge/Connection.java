package dev.chplane.edge;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection and, once the client has sent its first bytes, its upstream connection to
 * one of the service's replicas. Each direction has one buffer that bytes pass through once (read
 * from one side, written to the other); a side stops being read while the other cannot take more. A
 * side that reaches end of stream half-closes the other once its bytes are written; the pair is
 * closed when both directions are done. A silent connection has no buffers and no upstream, so it
 * costs the server nothing.
 *
 * <p>Until the server's first bytes arrive, the bytes written to it are kept ({@link #replay}), so
 * that when the upstream fails before answering (refused, reset, closed, connect timeout) the
 * connection can start over with another upstream it has not {@link #tried}, the client none the
 * wiser. Touched by the edge's selector thread only.
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

  /** The upstream this connection uses or tries now (counted in its route), or null. */
  InetSocketAddress target;

  /** Why the last upstream tried failed, for the log; null while none failed. */
  String lastFailure;

  /** The upstreams this connection has tried, in order. */
  final List<InetSocketAddress> tried = new ArrayList<>();

  /** True until the client's first bytes arrive. */
  boolean silent = true;

  /** True from the start of an upstream connect until it is established. */
  boolean connecting;

  /** True from the upstream connect until the server's first bytes arrive (a TLS handshake). */
  boolean awaitingAnswer;

  /**
   * The bytes written to the current upstream before it answered, for the next upstream should this
   * one fail; null once the server has answered, or when more came than one buffer holds.
   */
  ByteBuffer replay;

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
      replay = ByteBuffer.allocate(BUFFER);
    }
  }

  /** Whether the upstream may still be replaced: nothing of it has reached the client. */
  boolean beforeAnswer() {
    return connecting || awaitingAnswer;
  }

  /**
   * Keeps the bytes {@code written} (positions {@code from} to its position) for a next upstream.
   */
  void keepForReplay(ByteBuffer written, int from) {
    if (replay == null) {
      return;
    }
    int length = written.position() - from;
    if (length > replay.remaining()) {
      replay = null; // too much to replay: this upstream is the last one
      return;
    }
    replay.put(written.duplicate().position(from).limit(from + length));
  }

  /**
   * Drops the current upstream (closing it, uncounted in the route) and puts back in front of
   * {@link #toUpstream} what it had been sent, for the next one; false when that cannot be done.
   */
  boolean rewind() {
    dropUpstream();
    upstreamDone = false;
    awaitingAnswer = false;
    connecting = false;
    if (replay == null) {
      return false;
    }
    toUpstream.flip();
    if (replay.position() + toUpstream.remaining() > toUpstream.capacity()) {
      return false;
    }
    ByteBuffer pending = ByteBuffer.allocate(toUpstream.remaining()).put(toUpstream).flip();
    toUpstream.clear().put(replay.flip()).put(pending);
    replay.clear();
    return true;
  }

  private void dropUpstream() {
    if (target != null) {
      route.release(target);
      target = null;
    }
    if (upstream != null) {
      quietly(upstream);
      upstream = null;
      upstreamKey = null;
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
    dropUpstream();
  }

  private static void quietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
