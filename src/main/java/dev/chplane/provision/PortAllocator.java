package dev.chplane.provision;

import dev.chplane.domain.ServicePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Picks free TCP ports that no other service holds, for a new service. */
public final class PortAllocator {
  private final InetAddress bindAddress;

  public PortAllocator(InetAddress bindAddress) {
    this.bindAddress = bindAddress;
  }

  /** Two public and two internal ports, none of them in {@code taken}. */
  public ServicePorts allocate(Set<Integer> taken) {
    Set<Integer> avoid = new HashSet<>(taken);
    int[] ports = new int[4];
    for (int i = 0; i < ports.length; i++) {
      ports[i] = freePort(avoid);
      avoid.add(ports[i]);
    }
    return new ServicePorts(ports[0], ports[1], ports[2], ports[3]);
  }

  private int freePort(Set<Integer> avoid) {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, bindAddress)) {
        int port = socket.getLocalPort();
        if (!avoid.contains(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find a free port on " + bindAddress, e);
      }
    }
    throw new IllegalStateException("no free port found after 100 attempts");
  }
}
