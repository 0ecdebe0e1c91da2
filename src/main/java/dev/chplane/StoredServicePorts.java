package dev.chplane;

import dev.chplane.provision.local.PortRecords;
import dev.chplane.provision.local.ReplicaPorts;
import dev.chplane.store.MetadataStore;
import dev.chplane.store.ReplicaServerPorts;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The local provisioner's port records in the metadata store: one {@code replica_ports} row per
 * replica (replica 0 of a service made before replicas got its row from the service row's server
 * ports, by migration); the domain's {@code Service} does not carry them.
 */
final class StoredServicePorts implements PortRecords {
  private final MetadataStore store;

  StoredServicePorts(MetadataStore store) {
    this.store = store;
  }

  @Override
  public Optional<SortedMap<Integer, ReplicaPorts>> replicas(UUID serviceId) {
    return store
        .findServerPorts(serviceId)
        .map(
            row -> {
              SortedMap<Integer, ReplicaPorts> out = new TreeMap<>();
              store
                  .findReplicaPorts(serviceId)
                  .forEach(
                      (i, p) ->
                          out.put(
                              i,
                              new ReplicaPorts(
                                  p.https(), p.nativeSecure(), p.tcp(), p.interserver())));
              if (!out.containsKey(0) && row.recorded()) {
                out.put(0, new ReplicaPorts(row.https(), row.nativeSecure()));
              }
              return out;
            });
  }

  @Override
  public void record(UUID serviceId, int replica, ReplicaPorts ports) {
    store.recordReplicaPorts(
        serviceId,
        replica,
        new ReplicaServerPorts(
            ports.https(), ports.nativeSecure(), ports.tcp(), ports.interserver()));
  }

  @Override
  public void forget(UUID serviceId, int replica) {
    store.forgetReplicaPorts(serviceId, replica);
  }

  @Override
  public Set<Integer> taken() {
    return store.portsInUse();
  }
}
