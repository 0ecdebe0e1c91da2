package dev.chplane.edge;

import dev.chplane.exposure.AdmissionPolicy;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where one public endpoint port leads: the same port kind on each of the service's replicas (the
 * upstreams), behind the service's admission policy. The policy and the upstreams may change while
 * the route lives (a PATCH, a restart, a replica that comes or goes); a change applies to new
 * connections, and a connection keeps the upstream it has.
 *
 * <p>{@link #pick} spreads new connections: fewest open connections first, round robin among
 * upstreams that have as many; an upstream that failed a connection within {@link #FAILED_PAUSE}
 * comes after the others (it is still tried when no other is left).
 */
final class Route {
  /** How long an upstream that failed a connection comes last in {@link #pick}. */
  static final long FAILED_PAUSE_NANOS = java.time.Duration.ofSeconds(5).toNanos();

  final UUID serviceId;
  final int publicPort;
  final String bindAddress;
  volatile List<InetSocketAddress> upstreams;
  volatile AdmissionPolicy admission;

  /** Client connections open on this endpoint, silent ones included. */
  final AtomicInteger open = new AtomicInteger();

  final AtomicLong lastActivityNanos = new AtomicLong(System.nanoTime());

  /**
   * Connections with a deadline (silent since accept, connecting, or waiting for the server's first
   * answer), oldest first; touched by the edge's selector thread only.
   */
  final Set<Connection> waiting = new LinkedHashSet<>();

  /**
   * Connections open (or being opened) to each upstream, including upstreams that have left the
   * list; selector thread only.
   */
  private final Map<InetSocketAddress, Integer> active = new HashMap<>();

  /** {@link System#nanoTime()} until which an upstream that failed comes last; selector only. */
  private final Map<InetSocketAddress, Long> failedUntil = new HashMap<>();

  /** Where the round robin among equally loaded upstreams starts; selector thread only. */
  private int cursor;

  /** Connections closed or refused by a limit since the last warning; selector thread only. */
  int refused;

  long lastWarningNanos;

  /** Clients closed because no upstream took them, since the last warning; selector only. */
  int unreachable;

  long lastUnreachableWarningNanos;

  Route(
      UUID serviceId,
      int publicPort,
      String bindAddress,
      List<InetSocketAddress> upstreams,
      AdmissionPolicy admission) {
    this.serviceId = serviceId;
    this.publicPort = publicPort;
    this.bindAddress = bindAddress;
    this.upstreams = List.copyOf(upstreams);
    this.admission = admission;
  }

  void touch() {
    lastActivityNanos.set(System.nanoTime());
  }

  /**
   * The upstream for a connection's next attempt, not one of {@code tried}, counted as taken until
   * {@link #release}; null when every upstream has been tried.
   */
  InetSocketAddress pick(List<InetSocketAddress> tried, long nowNanos) {
    List<InetSocketAddress> list = upstreams;
    int n = list.size();
    InetSocketAddress best = null;
    int bestIndex = -1;
    int bestCount = Integer.MAX_VALUE;
    boolean bestHealthy = false;
    for (int k = 0; k < n; k++) {
      int i = (cursor + k) % n;
      InetSocketAddress candidate = list.get(i);
      if (tried.contains(candidate)) {
        continue;
      }
      Long until = failedUntil.get(candidate);
      boolean healthy = until == null || nowNanos - until >= 0;
      if (until != null && healthy) {
        failedUntil.remove(candidate);
      }
      int count = active.getOrDefault(candidate, 0);
      // strictly better only: among equals the first from the cursor wins (round robin)
      if (best == null
          || (healthy && !bestHealthy)
          || (healthy == bestHealthy && count < bestCount)) {
        best = candidate;
        bestIndex = i;
        bestCount = count;
        bestHealthy = healthy;
      }
    }
    if (best != null) {
      cursor = (bestIndex + 1) % n;
      active.merge(best, 1, Integer::sum);
    }
    return best;
  }

  /** A connection no longer uses {@code upstream}. */
  void release(InetSocketAddress upstream) {
    active.computeIfPresent(upstream, (a, count) -> count > 1 ? count - 1 : null);
  }

  /** {@code upstream} failed a connection: it comes last for a while. */
  void failed(InetSocketAddress upstream, long nowNanos) {
    failedUntil.put(upstream, nowNanos + FAILED_PAUSE_NANOS);
  }

  /** {@code upstream} answered a connection. */
  void answered(InetSocketAddress upstream) {
    failedUntil.remove(upstream);
  }

  /** Connections open to {@code upstream} now; selector thread only. */
  int active(InetSocketAddress upstream) {
    return active.getOrDefault(upstream, 0);
  }
}
