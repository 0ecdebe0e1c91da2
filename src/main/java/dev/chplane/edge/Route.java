package dev.chplane.edge;

import dev.chplane.domain.IpAccessEntry;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where one public endpoint port leads: a service's internal port, behind the service's IP access
 * list. The list and the upstream port may change while the route lives (a PATCH, a restart).
 */
final class Route {
  final UUID serviceId;
  final int publicPort;
  volatile int internalPort;
  volatile List<IpAccessEntry> allowed;
  /** Client connections open on this endpoint, silent ones included. */
  final AtomicInteger open = new AtomicInteger();
  final AtomicLong lastActivityNanos = new AtomicLong(System.nanoTime());
  /**
   * Connections with a deadline (silent since accept, or waiting for the server's first answer),
   * oldest first; touched by the edge's selector thread only.
   */
  final Set<Connection> waiting = new LinkedHashSet<>();
  /** Connections closed or refused by a limit since the last warning; selector thread only. */
  int refused;
  long lastWarningNanos;

  Route(UUID serviceId, int publicPort, int internalPort, List<IpAccessEntry> allowed) {
    this.serviceId = serviceId;
    this.publicPort = publicPort;
    this.internalPort = internalPort;
    this.allowed = allowed;
  }

  void touch() {
    lastActivityNanos.set(System.nanoTime());
  }
}
