package dev.chplane.exposure;

import dev.chplane.provision.ReplicaAddress;
import java.util.List;
import java.util.UUID;

/**
 * What the public sees of one service: its endpoints, listening on {@code bindAddress}, each
 * admitting the clients {@code admission} lets in and leading to the same protocol on one of the
 * {@code upstreams} (the service's replicas as the provisioner placed them).
 */
public record ExposedService(
    UUID serviceId,
    List<Endpoint> endpoints,
    List<ReplicaAddress> upstreams,
    AdmissionPolicy admission,
    String bindAddress) {

  public ExposedService {
    endpoints = List.copyOf(endpoints);
    upstreams = List.copyOf(upstreams);
  }
}
