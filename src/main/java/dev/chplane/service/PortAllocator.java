package dev.chplane.service;

import dev.chplane.domain.ServicePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Picks two free TCP ports that no other service holds, for a new service's endpoints. */
final class PortAllocator {
  private final InetAddress bindAddress;

  PortAllocator(InetAddress bindAddress) {
    this.bindAddress = bindAddress;
  }

  ServicePorts allocate(Set<Integer> taken) {
    Set<Integer> avoid = new HashSet<>(taken);
    int https = freePort(avoid);
    avoid.add(https);
    return new ServicePorts(https, freePort(avoid));
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
