package dev.chplane.reconcile;

import dev.chplane.exposure.ExposedService;
import dev.chplane.exposure.Exposure;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** An {@link Exposure} that only remembers what is exposed. */
final class RecordingExposure implements Exposure {
  final Map<UUID, ExposedService> exposed = new ConcurrentHashMap<>();

  @Override
  public void expose(ExposedService service) {
    exposed.put(service.serviceId(), service);
  }

  @Override
  public void withdraw(UUID serviceId) {
    exposed.remove(serviceId);
  }
}
