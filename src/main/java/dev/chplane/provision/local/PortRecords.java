package dev.chplane.provision.local;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Where the local provisioner keeps the ports each service's server listens on (the metadata
 * store's service rows, which have held them since the edge exists, outside the domain record), and
 * which ports services hold, so that its allocator avoids them.
 */
public interface PortRecords {

  /**
   * The ports recorded for the service's server ({@code 0, 0} when none were assigned yet); empty
   * for an unknown service.
   */
  Optional<ReplicaPorts> find(UUID serviceId);

  /**
   * Records the ports of the server of a service that had none; its public ports stay as they are.
   */
  void recordInternal(UUID serviceId, ReplicaPorts ports);

  /** Every port some service holds, public or internal. */
  Set<Integer> taken();
}
