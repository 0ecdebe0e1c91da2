package dev.chplane.reconcile;

import dev.chplane.domain.Service;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.ServiceDeployment;

/** Fills a new, empty, running service with the data of the backup it was created from. */
public interface RestoreStep {

  /** Restores {@code service.spec().restoreFrom()} into the service's running server. */
  void restore(Service service, ServiceDeployment deployment) throws ProvisionException;
}
