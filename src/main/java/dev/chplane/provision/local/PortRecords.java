package dev.chplane.provision.local;

import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.UUID;

/**
 * Where the local provisioner keeps the ports each replica of each service listens on (durably: a
 * replica keeps its ports across restarts of chplane and of the server), and which ports services
 * hold, so that its allocator avoids them.
 */
public interface PortRecords {

  /**
   * The ports recorded for each replica of the service, by replica index (empty map when none were
   * assigned yet); empty for an unknown service.
   */
  Optional<SortedMap<Integer, ReplicaPorts>> replicas(UUID serviceId);

  /** Records (or replaces) the ports of one replica of a known service. */
  void record(UUID serviceId, int replica, ReplicaPorts ports);

  /** Forgets the ports of a removed replica; a no-op if it has none. */
  void forget(UUID serviceId, int replica);

  /** Every port some service holds, public or internal. */
  Set<Integer> taken();
}
