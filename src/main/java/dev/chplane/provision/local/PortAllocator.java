package dev.chplane.provision.local;

import dev.chplane.domain.ServicePorts;
import dev.chplane.provision.EndpointPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Picks free TCP ports that no service holds: the one allocator of an installation, for the public
 * endpoints of new services and for the ports servers listen on. Its lock covers every allocation,
 * and it remembers what it handed out, so two allocations never return the same port even before
 * either is recorded.
 */
public final class PortAllocator implements EndpointPorts {
  private final IntSupplier probe;
  private final Supplier<Set<Integer>> recorded;
  /** Handed out, perhaps not recorded yet; guarded by this. */
  private final Set<Integer> handedOut = new HashSet<>();

  /**
   * @param bindAddress where a port must be free
   * @param recorded the ports services hold now (public and internal)
   */
  public PortAllocator(InetAddress bindAddress, Supplier<Set<Integer>> recorded) {
    this(() -> freeNow(bindAddress), recorded);
  }

  /** @param probe a port that is free now (the system picks one) */
  PortAllocator(IntSupplier probe, Supplier<Set<Integer>> recorded) {
    this.probe = probe;
    this.recorded = recorded;
  }

  /** {@code count} distinct free ports, none held by a service or handed out before. */
  public synchronized int[] allocate(int count) {
    Set<Integer> taken = recorded.get();
    // once recorded, a port handed out needs no remembering here
    handedOut.removeAll(taken);
    Set<Integer> avoid = new HashSet<>(taken);
    avoid.addAll(handedOut);
    int[] ports = new int[count];
    for (int i = 0; i < count; i++) {
      ports[i] = freePort(avoid);
      avoid.add(ports[i]);
      handedOut.add(ports[i]);
    }
    return ports;
  }

  @Override
  public ServicePorts allocateEndpoints() {
    int[] ports = allocate(2);
    return new ServicePorts(ports[0], ports[1]);
  }

  private int freePort(Set<Integer> avoid) {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = probe.getAsInt();
      if (!avoid.contains(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port found after 100 attempts");
  }

  private static int freeNow(InetAddress bindAddress) {
    try (ServerSocket socket = new ServerSocket(0, 1, bindAddress)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + bindAddress, e);
    }
  }
}
