package dev.chplane.reconcile;

import dev.chplane.domain.Service;
import dev.chplane.domain.ServicePorts;
import dev.chplane.provision.PortAllocator;
import dev.chplane.store.MetadataStore;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A service made before the edge existed gets internal ports once. Transitional: this moves into
 * the local provisioner (which owns ports), and then this step is deleted with its one call in
 * {@link ServiceReconciler}.
 */
final class InternalPortsStep {
  private final MetadataStore store;
  private final PortAllocator ports;

  InternalPortsStep(MetadataStore store, PortAllocator ports) {
    this.store = store;
    this.ports = ports;
  }

  /** Returns the service with internal ports, assigning and storing them if it had none. */
  Service run(Service s) {
    if (s.ports().internalHttps() != 0) {
      return s;
    }
    Set<Integer> taken = new HashSet<>();
    for (Service other : store.listAllServices()) {
      taken.addAll(List.of(other.ports().https(), other.ports().nativeSecure(), other.ports().internalHttps(),
          other.ports().internalNativeSecure()));
    }
    ServicePorts fresh = ports.allocate(taken);
    ServicePorts assigned = new ServicePorts(s.ports().https(), s.ports().nativeSecure(), fresh.internalHttps(),
        fresh.internalNativeSecure());
    return store.mutateService(s.id(), current -> current.withPorts(assigned));
  }
}
