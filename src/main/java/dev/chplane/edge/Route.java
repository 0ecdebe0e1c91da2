package dev.chplane.edge;

import dev.chplane.domain.IpAccessEntry;
import java.util.List;
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
  final AtomicInteger open = new AtomicInteger();
  final AtomicLong lastActivityNanos = new AtomicLong(System.nanoTime());

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
