package dev.chplane.provision;

import dev.chplane.domain.ServicePorts;

/**
 * Hands out the public endpoint ports of a new service, from the same allocator (and under the same
 * lock) that places servers' own ports, so that no two services, and no service and server, ever
 * get the same port.
 */
public interface EndpointPorts {

  /** An HTTPS and a native TLS port that nothing holds; the internal ports of the result are 0. */
  ServicePorts allocateEndpoints();
}
