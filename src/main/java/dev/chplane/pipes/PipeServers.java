package dev.chplane.pipes;

import dev.chplane.domain.Service;

/**
 * How pipes find their service's server: the one seam between pipes and the provisioner, given by
 * the wiring (today the local provisioner's {@code ServiceData} with the service's plan; later the
 * provisioner's access object).
 */
@FunctionalInterface
public interface PipeServers {

  /** The server of a service that runs. */
  PipeServer of(Service service);
}
