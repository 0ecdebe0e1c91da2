package dev.chplane.it;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy on a free loopback port in front of a local server. While it holds, what clients send
 * that contains a given text (such as a path in an HTTP request line) waits in the proxy, so a test
 * can keep one request of the code under test pending for as long as it needs, then let it through.
 */
final class HoldingProxy implements AutoCloseable {
  private final int upstreamPort;
  private final ServerSocket listener;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "holding-proxy");
            t.setDaemon(true);
            return t;
          });
  private final Object gate = new Object();
  private String holding;
  private int waiting;

  HoldingProxy(int upstreamPort) {
    this.upstreamPort = upstreamPort;
    try {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    threads.execute(this::accept);
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Holds, from now on, what clients send that contains {@code text}. */
  void hold(String text) {
    synchronized (gate) {
      holding = text;
    }
  }

  void release() {
    synchronized (gate) {
      holding = null;
      gate.notifyAll();
    }
  }

  /** Whether a client has sent something that the proxy is holding. */
  boolean isHoldingARequest() {
    synchronized (gate) {
      return waiting > 0;
    }
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        threads.execute(() -> pump(client, server, true));
        threads.execute(() -> pump(server, client, false));
      } catch (IOException e) {
        // the listener closed, or the upstream refused this one connection
      }
    }
  }

  private void pump(Socket from, Socket to, boolean gated) {
    byte[] buffer = new byte[65536];
    try (from;
        to) {
      for (int n; (n = from.getInputStream().read(buffer)) >= 0; ) {
        if (gated) {
          passGate(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
        to.getOutputStream().write(buffer, 0, n);
      }
    } catch (IOException e) {
      // either side closed: the connection is over
    }
  }

  private void passGate(String sent) throws InterruptedIOException {
    synchronized (gate) {
      if (holding == null || !sent.contains(holding)) {
        return;
      }
      waiting++;
      try {
        while (holding != null) {
          gate.wait();
        }
      } catch (InterruptedException e) {
        throw new InterruptedIOException("the proxy closed");
      } finally {
        waiting--;
      }
    }
  }

  @Override
  public void close() {
    release();
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    threads.shutdownNow();
  }
}
