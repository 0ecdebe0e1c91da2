package dev.chplane.pipes;

import dev.chplane.domain.Service;

/**
 * How pipes find their service's server: the one seam between pipes and the provisioner, given by
 * the wiring (the provisioner's {@code ServiceAccess} of the service).
 */
@FunctionalInterface
public interface PipeServers {

  /** The server of a service that runs. */
  PipeServer of(Service service);
}
