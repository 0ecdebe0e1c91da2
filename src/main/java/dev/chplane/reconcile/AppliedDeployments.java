package dev.chplane.reconcile;

import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.Provisioner;
import dev.chplane.provision.ServiceDeployment;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The deployment each running server last applied. Empty after a chplane restart, so a running
 * server is made to apply its configuration once again; forgotten whenever its server stops.
 */
final class AppliedDeployments {
  private final Map<UUID, ServiceDeployment> applied = new ConcurrentHashMap<>();

  void started(ServiceDeployment d) {
    applied.put(d.serviceId(), d);
  }

  void forget(UUID id) {
    applied.remove(id);
  }

  /**
   * Makes the running server reload its configuration if it has not applied this deployment yet.
   */
  void applyIfChanged(Provisioner provisioner, ServiceDeployment d) throws ProvisionException {
    if (!d.equals(applied.get(d.serviceId()))) {
      provisioner.reload(d);
      applied.put(d.serviceId(), d);
    }
  }
}
