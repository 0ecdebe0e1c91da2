package dev.chplane.provision.local;

import dev.chplane.domain.ServicePorts;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** {@link PortRecords} in memory, for tests of the local provisioner without a metadata store. */
final class MemoryPortRecords implements PortRecords {
  private static final ReplicaPorts NONE = new ReplicaPorts(0, 0);
  private final Map<UUID, ServicePorts> endpoints = new ConcurrentHashMap<>();
  private final Map<UUID, ReplicaPorts> servers = new ConcurrentHashMap<>();

  /** A service known with these public ports and no server ports yet. */
  void add(UUID serviceId, ServicePorts value) {
    endpoints.put(serviceId, value);
  }

  /** A service known with these public ports and these server ports. */
  void add(UUID serviceId, ServicePorts value, ReplicaPorts server) {
    endpoints.put(serviceId, value);
    servers.put(serviceId, server);
  }

  @Override
  public Optional<ReplicaPorts> find(UUID serviceId) {
    return endpoints.containsKey(serviceId)
        ? Optional.of(servers.getOrDefault(serviceId, NONE))
        : Optional.empty();
  }

  @Override
  public void recordInternal(UUID serviceId, ReplicaPorts ports) {
    if (endpoints.containsKey(serviceId)) {
      servers.put(serviceId, ports);
    }
  }

  @Override
  public Set<Integer> taken() {
    Set<Integer> taken = new HashSet<>();
    endpoints.values().forEach(p -> taken.addAll(List.of(p.https(), p.nativeSecure())));
    servers.values().forEach(p -> taken.addAll(List.of(p.https(), p.nativeSecure())));
    taken.remove(0);
    return taken;
  }
}
