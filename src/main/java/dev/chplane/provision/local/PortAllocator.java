package dev.chplane.provision.local;

import dev.chplane.domain.ServicePorts;
import dev.chplane.provision.EndpointPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks free TCP ports that no service holds: the one allocator of an installation, for the public
 * endpoints of new services and for the ports servers listen on. Its lock covers every allocation,
 * and it remembers what it handed out, so two allocations never return the same port even before
 * either is recorded.
 *
 * <p>It picks ports at random in a {@link PortWindow} outside the system's ephemeral range, each
 * one bindable on the bind address when picked: a port the system picks for {@code bind(0)} comes
 * from the ephemeral range, where an outgoing connection can take it before the service's server
 * binds it. Random rather than in order, so that two installations on one machine (parallel tests)
 * rarely pick the same port between the check and the bind. Fallback: where the ephemeral range
 * leaves no window (see {@link PortWindow}), or none of many random picks in it is bindable, the
 * system picks.
 */
public final class PortAllocator implements EndpointPorts {
  private static final Logger log = LoggerFactory.getLogger(PortAllocator.class);

  /** Random picks in the window before the system is asked; many more than a busy window needs. */
  static final int PICKS = 200;

  private final IntSupplier probe;
  private final Supplier<Set<Integer>> recorded;

  /** Handed out, perhaps not recorded yet; guarded by this. */
  private final Set<Integer> handedOut = new HashSet<>();

  /**
   * @param bindAddress where a port must be free
   * @param recorded the ports services hold now (public and internal)
   */
  public PortAllocator(InetAddress bindAddress, Supplier<Set<Integer>> recorded) {
    this(
        outsideEphemeral(
            PortWindow.ofThisSystem(),
            port -> bindable(bindAddress, port),
            () -> freeNow(bindAddress),
            new Random()),
        recorded);
  }

  /**
   * A probe that picks at random in {@code window} a port that is {@code bindable}, or asks {@code
   * system} when there is no window or no pick in it is bindable.
   */
  static IntSupplier outsideEphemeral(
      Optional<PortWindow> window,
      IntPredicate bindable,
      IntSupplier system,
      RandomGenerator random) {
    if (window.isEmpty()) {
      log.warn(
          "the ephemeral port range leaves no range of ports for services; the system picks them,"
              + " and an outgoing connection may take one before its server binds it");
      return system;
    }
    PortWindow w = window.get();
    return () -> {
      for (int pick = 0; pick < PICKS; pick++) {
        int port = w.low() + random.nextInt(w.size());
        if (bindable.test(port)) {
          return port;
        }
      }
      log.warn(
          "no free port in {}..{} after {} picks; the system picks one", w.low(), w.high(), PICKS);
      return system.getAsInt();
    };
  }

  /**
   * @param probe a port that is free now (the system picks one)
   */
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

  private static boolean bindable(InetAddress bindAddress, int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, bindAddress)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freeNow(InetAddress bindAddress) {
    try (ServerSocket socket = new ServerSocket(0, 1, bindAddress)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + bindAddress, e);
    }
  }
}
