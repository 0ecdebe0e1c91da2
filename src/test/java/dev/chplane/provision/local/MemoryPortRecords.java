package dev.chplane.provision.local;

import dev.chplane.domain.ServicePorts;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** {@link PortRecords} in memory, for tests of the local provisioner without a metadata store. */
final class MemoryPortRecords implements PortRecords {
  private final Map<UUID, ServicePorts> ports = new ConcurrentHashMap<>();

  /** A service known with these public ports and no internal ones yet. */
  void add(UUID serviceId, ServicePorts value) {
    ports.put(serviceId, value);
  }

  @Override
  public Optional<ServicePorts> find(UUID serviceId) {
    return Optional.ofNullable(ports.get(serviceId));
  }

  @Override
  public void recordInternal(UUID serviceId, int internalHttps, int internalNativeSecure) {
    ports.computeIfPresent(serviceId, (id, p) -> new ServicePorts(p.https(), p.nativeSecure(), internalHttps,
        internalNativeSecure));
  }

  @Override
  public Set<Integer> taken() {
    Set<Integer> taken = new HashSet<>();
    ports.values().forEach(p -> taken.addAll(java.util.List.of(p.https(), p.nativeSecure(), p.internalHttps(),
        p.internalNativeSecure())));
    taken.remove(0);
    return taken;
  }
}
