package dev.chplane.provision.local;

import dev.chplane.domain.ServicePorts;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** {@link PortRecords} in memory, for tests of the local provisioner without a metadata store. */
final class MemoryPortRecords implements PortRecords {
  private final Map<UUID, ServicePorts> endpoints = new ConcurrentHashMap<>();
  private final Map<UUID, SortedMap<Integer, ReplicaPorts>> servers = new ConcurrentHashMap<>();

  /** A service known with these public ports and no server ports yet. */
  void add(UUID serviceId, ServicePorts value) {
    endpoints.put(serviceId, value);
  }

  /** A service known with these public ports and these ports for its replica 0. */
  void add(UUID serviceId, ServicePorts value, ReplicaPorts server) {
    endpoints.put(serviceId, value);
    record(serviceId, 0, server);
  }

  /** Replica 0's ports ({@link ReplicaPorts#NONE} if none yet); empty for an unknown service. */
  Optional<ReplicaPorts> find(UUID serviceId) {
    return replicas(serviceId).map(m -> m.getOrDefault(0, ReplicaPorts.NONE));
  }

  @Override
  public synchronized Optional<SortedMap<Integer, ReplicaPorts>> replicas(UUID serviceId) {
    return endpoints.containsKey(serviceId)
        ? Optional.of(new TreeMap<>(servers.getOrDefault(serviceId, new TreeMap<>())))
        : Optional.empty();
  }

  @Override
  public synchronized void record(UUID serviceId, int replica, ReplicaPorts ports) {
    if (endpoints.containsKey(serviceId)) {
      servers.computeIfAbsent(serviceId, id -> new TreeMap<>()).put(replica, ports);
    }
  }

  @Override
  public synchronized void forget(UUID serviceId, int replica) {
    SortedMap<Integer, ReplicaPorts> known = servers.get(serviceId);
    if (known != null) {
      known.remove(replica);
    }
  }

  @Override
  public synchronized Set<Integer> taken() {
    Set<Integer> taken = new HashSet<>();
    endpoints.values().forEach(p -> taken.addAll(List.of(p.https(), p.nativeSecure())));
    servers.values().stream()
        .flatMap(m -> m.values().stream())
        .forEach(p -> taken.addAll(List.of(p.https(), p.nativeSecure(), p.tcp(), p.interserver())));
    taken.remove(0);
    return taken;
  }
}
