package dev.chplane.provision.local;

import dev.chplane.domain.ServicePorts;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Where the local provisioner keeps the ports of each service: the public endpoint ports chosen at
 * creation and the internal ports its server listens on (the metadata store's service rows, which
 * have held them since the edge exists).
 */
public interface PortRecords {

  /** The service's ports (internal ports 0 when none were assigned yet); empty for an unknown service. */
  Optional<ServicePorts> find(UUID serviceId);

  /** Records the internal ports of a service that had none; its public ports stay as they are. */
  void recordInternal(UUID serviceId, int internalHttps, int internalNativeSecure);

  /** Every port some service holds, public or internal. */
  Set<Integer> taken();
}
