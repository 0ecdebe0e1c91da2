package dev.chplane.edge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One client connection and its upstream connection to the server. Each direction has one buffer
 * that bytes pass through once (read from one side, written to the other); a side stops being read
 * while the other cannot take more. A side that reaches end of stream half-closes the other once
 * its bytes are written; the pair is closed when both directions are done.
 */
final class Connection {
  static final int BUFFER = 64 * 1024;

  final Route route;
  final SocketChannel client;
  SocketChannel upstream;
  SelectionKey clientKey;
  SelectionKey upstreamKey;
  final ByteBuffer toUpstream = ByteBuffer.allocateDirect(BUFFER);
  final ByteBuffer toClient = ByteBuffer.allocateDirect(BUFFER);
  boolean clientDone;
  boolean upstreamDone;
  boolean closed;

  Connection(Route route, SocketChannel client) {
    this.route = route;
    this.client = client;
  }

  void close() {
    if (closed) {
      return;
    }
    closed = true;
    route.open.decrementAndGet();
    route.touch();
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
