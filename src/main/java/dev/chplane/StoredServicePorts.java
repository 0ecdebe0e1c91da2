package dev.chplane;

import dev.chplane.domain.Service;
import dev.chplane.domain.ServicePorts;
import dev.chplane.provision.local.PortRecords;
import dev.chplane.store.MetadataStore;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The local provisioner's port records kept where they always were: in the service rows of the
 * metadata store (public ports since the first version, internal ports since the edge), so stored
 * data stays as it is.
 */
final class StoredServicePorts implements PortRecords {
  private final MetadataStore store;

  StoredServicePorts(MetadataStore store) {
    this.store = store;
  }

  @Override
  public Optional<ServicePorts> find(UUID serviceId) {
    return store.findService(serviceId).map(Service::ports);
  }

  @Override
  public void recordInternal(UUID serviceId, int internalHttps, int internalNativeSecure) {
    store.mutateService(serviceId, s -> s.withPorts(new ServicePorts(s.ports().https(), s.ports().nativeSecure(),
        internalHttps, internalNativeSecure)));
  }

  @Override
  public Set<Integer> taken() {
    Set<Integer> taken = new HashSet<>();
    for (Service s : store.listAllServices()) {
      taken.add(s.ports().https());
      taken.add(s.ports().nativeSecure());
      taken.add(s.ports().internalHttps());
      taken.add(s.ports().internalNativeSecure());
    }
    taken.remove(0);
    return taken;
  }
}
