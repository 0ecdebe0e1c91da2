package dev.chplane.exposure;

import dev.chplane.provision.ReplicaAddress;
import java.util.List;
import java.util.UUID;

/**
 * What the public sees of one service: its endpoints, listening on {@code bindAddress}, each
 * admitting the clients {@code admission} lets in and leading to the same protocol on one of the
 * {@code upstreams}: the service's replicas (as the provisioner placed them) that should take new
 * connections now. New connections are spread over the upstreams, and one whose upstream cannot be
 * reached (refused, reset or timed out before the server answered) goes on to another; the client
 * is closed only when none takes it. An empty list leads nowhere: every connection is closed.
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
