package dev.chplane.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An unfriendly client: keeps {@code count} TCP connections open to a port from a chosen local
 * address, each sending {@code greeting} (nothing, for silent ones) and then nothing more. Whatever
 * the peer closes is opened again every {@code reopenMillis}, so the count stays up as long as the
 * peer lets it.
 */
final class HeldConnections implements AutoCloseable {
  private final InetSocketAddress local;
  private final InetSocketAddress target;
  private final byte[] greeting;
  private final Selector selector;
  private final Thread thread;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger closedByPeer = new AtomicInteger();
  private final AtomicInteger opened = new AtomicInteger();
  private final int count;
  private volatile boolean running = true;
  private volatile String lastFailure = "none";

  HeldConnections(String localAddress, int port, int count, byte[] greeting) {
    this.local = new InetSocketAddress(localAddress, 0);
    this.target = new InetSocketAddress("127.0.0.1", port);
    this.greeting = greeting.clone();
    this.count = count;
    try {
      selector = Selector.open();
      for (int i = 0; i < count; i++) {
        openOne();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the held connections", e);
    }
    thread = new Thread(this::hold, "held-connections");
    thread.setDaemon(true);
    thread.start();
  }

  /** Connections open now, as far as this client knows. */
  int open() {
    return open.get();
  }

  /** Connections opened so far, reopened ones included. */
  int opened() {
    return opened.get();
  }

  /** Why the last connection that could not be opened failed. */
  String lastFailure() {
    return lastFailure;
  }

  /** Connections the peer has closed so far. */
  int closedByPeer() {
    return closedByPeer.get();
  }

  private void openOne() throws IOException {
    SocketChannel channel = SocketChannel.open();
    try {
      channel.bind(local);
      channel.connect(target);
      if (greeting.length > 0) {
        channel.write(ByteBuffer.wrap(greeting));
      }
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ);
      open.incrementAndGet();
      opened.incrementAndGet();
    } catch (IOException e) {
      lastFailure = e.toString();
      channel.close();
      closedByPeer.incrementAndGet();
    }
  }

  private void hold() {
    ByteBuffer sink = ByteBuffer.allocate(16 * 1024);
    long nextReopen = System.nanoTime();
    while (running) {
      try {
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          SocketChannel channel = (SocketChannel) key.channel();
          sink.clear();
          int n;
          try {
            n = channel.read(sink);
          } catch (IOException e) {
            n = -1;
          }
          if (n < 0) {
            key.cancel();
            channel.close();
            open.decrementAndGet();
            closedByPeer.incrementAndGet();
          }
        }
        selector.selectedKeys().clear();
        if (System.nanoTime() - nextReopen >= 0) {
          for (int i = open.get(); i < count && running; i++) {
            openOne();
          }
          nextReopen = System.nanoTime() + 500_000_000L;
        }
      } catch (IOException e) {
        // the next round tries again
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    selector.wakeup();
    thread.join(10_000);
    List<SelectionKey> keys = new ArrayList<>(selector.keys());
    for (SelectionKey key : keys) {
      try {
        key.channel().close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    try {
      selector.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
