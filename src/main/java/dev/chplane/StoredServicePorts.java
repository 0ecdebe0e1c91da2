package dev.chplane;

import dev.chplane.provision.local.PortRecords;
import dev.chplane.provision.local.ReplicaPorts;
import dev.chplane.store.MetadataStore;
import dev.chplane.store.ServerPorts;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The local provisioner's port records kept where they always were: in the service rows of the
 * metadata store (public ports since the first version, server ports since the edge), so stored
 * data stays as it is; the domain's {@code Service} does not carry the server ports.
 */
final class StoredServicePorts implements PortRecords {
  private final MetadataStore store;

  StoredServicePorts(MetadataStore store) {
    this.store = store;
  }

  @Override
  public Optional<ReplicaPorts> find(UUID serviceId) {
    return store.findServerPorts(serviceId).map(p -> new ReplicaPorts(p.https(), p.nativeSecure()));
  }

  @Override
  public void recordInternal(UUID serviceId, ReplicaPorts ports) {
    store.recordServerPorts(serviceId, new ServerPorts(ports.https(), ports.nativeSecure()));
  }

  @Override
  public Set<Integer> taken() {
    return store.portsInUse();
  }
}
