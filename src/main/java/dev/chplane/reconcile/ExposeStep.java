package dev.chplane.reconcile;

import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Service;
import dev.chplane.exposure.Endpoint;
import dev.chplane.exposure.EndpointKind;
import dev.chplane.exposure.ExposedService;
import dev.chplane.exposure.Exposure;
import dev.chplane.exposure.ExposureException;
import dev.chplane.exposure.IpAccessListPolicy;
import dev.chplane.provision.ReplicaAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a service's public endpoints exposed (behind its IP access list, on {@code bindAddress})
 * for as long as it exists, whatever its state: a stopped or idle service keeps its endpoints, so
 * a connection can wake it and its ports stay its own. A service being deleted is withdrawn.
 */
final class ExposeStep {
  private static final Logger log = LoggerFactory.getLogger(ExposeStep.class);

  private final Exposure exposure;
  private final String bindAddress;

  ExposeStep(Exposure exposure, String bindAddress) {
    this.exposure = exposure;
    this.bindAddress = bindAddress;
  }

  void run(Service s) {
    if (s.desiredState() == DesiredState.DELETED) {
      exposure.withdraw(s.id());
      return;
    }
    try {
      exposure.expose(exposed(s, bindAddress));
    } catch (ExposureException e) {
      log.error("service {}: {}", s.id(), e.getMessage());
    }
  }

  /** What the public sees of {@code s}: its two endpoints, leading to its one replica. */
  static ExposedService exposed(Service s, String bindAddress) {
    // lead: once the provisioner reports replicas, the upstreams are provisioner.replicas(id) addresses
    ReplicaAddress replica = new ReplicaAddress("127.0.0.1", s.ports().internalHttps(), s.ports().internalNativeSecure());
    return new ExposedService(s.id(), List.of(new Endpoint(EndpointKind.HTTPS, s.ports().https()),
        new Endpoint(EndpointKind.NATIVE_SECURE, s.ports().nativeSecure())), List.of(replica),
        new IpAccessListPolicy(s.spec().ipAccessList()), bindAddress);
  }
}
