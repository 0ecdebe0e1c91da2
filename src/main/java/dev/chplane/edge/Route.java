package dev.chplane.edge;

import dev.chplane.exposure.AdmissionPolicy;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where one public endpoint port leads: a replica's port, behind the service's admission policy.
 * The policy and the upstream may change while the route lives (a PATCH, a restart).
 */
final class Route {
  final UUID serviceId;
  final int publicPort;
  final String bindAddress;
  volatile String upstreamHost;
  volatile int upstreamPort;
  volatile AdmissionPolicy admission;

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

  Route(
      UUID serviceId,
      int publicPort,
      String bindAddress,
      String upstreamHost,
      int upstreamPort,
      AdmissionPolicy admission) {
    this.serviceId = serviceId;
    this.publicPort = publicPort;
    this.bindAddress = bindAddress;
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    this.admission = admission;
  }

  void touch() {
    lastActivityNanos.set(System.nanoTime());
  }
}
