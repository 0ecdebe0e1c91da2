package dev.chplane.reconcile;

import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Service;
import dev.chplane.exposure.Endpoint;
import dev.chplane.exposure.EndpointKind;
import dev.chplane.exposure.ExposedService;
import dev.chplane.exposure.Exposure;
import dev.chplane.exposure.ExposureException;
import dev.chplane.exposure.IpAccessListPolicy;
import dev.chplane.provision.Provisioner;
import dev.chplane.provision.ReplicaAddress;
import dev.chplane.provision.ReplicaPhase;
import dev.chplane.provision.ReplicaStatus;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a service's public endpoints exposed (behind its IP access list, on {@code bindAddress})
 * for as long as it exists, whatever its state: a stopped or idle service keeps its endpoints, so a
 * connection can wake it and its ports stay its own. A service being deleted is withdrawn. Each
 * pass exposes the replicas that should take new connections now ({@link #upstreams}), so a change
 * of that set applies from the next pass.
 */
final class ExposeStep {
  private static final Logger log = LoggerFactory.getLogger(ExposeStep.class);

  private final Exposure exposure;
  private final Provisioner provisioner;
  private final String bindAddress;

  ExposeStep(Exposure exposure, Provisioner provisioner, String bindAddress) {
    this.exposure = exposure;
    this.provisioner = provisioner;
    this.bindAddress = bindAddress;
  }

  void run(Service s) {
    if (s.desiredState() == DesiredState.DELETED) {
      exposure.withdraw(s.id());
      return;
    }
    List<ReplicaAddress> upstreams = upstreams(provisioner.replicas(s.id()));
    if (upstreams.isEmpty()) {
      return; // the provisioner has not placed it yet; the next pass exposes it
    }
    try {
      exposure.expose(exposed(s, upstreams, bindAddress));
    } catch (ExposureException e) {
      log.error("service {}: {}", s.id(), e.getMessage());
    }
  }

  /**
   * The replicas that take new connections: the {@link ReplicaPhase#READY ready} ones if there is
   * one, so that a replica still starting (a new one catching up) takes no traffic while another
   * answers; otherwise every placed replica, so that a stopped or idle service has somewhere to go
   * once a connection has woken it (the edge moves on from a replica that refuses). A replica that
   * leaves the list keeps its open connections.
   */
  static List<ReplicaAddress> upstreams(List<ReplicaStatus> replicas) {
    List<ReplicaAddress> ready =
        replicas.stream()
            .filter(r -> r.phase() == ReplicaPhase.READY)
            .map(ReplicaStatus::address)
            .toList();
    return ready.isEmpty() ? replicas.stream().map(ReplicaStatus::address).toList() : ready;
  }

  /**
   * What the public sees of {@code s}: its two endpoints, leading to its replicas as the
   * provisioner placed them.
   */
  static ExposedService exposed(Service s, List<ReplicaAddress> upstreams, String bindAddress) {
    return new ExposedService(
        s.id(),
        List.of(
            new Endpoint(EndpointKind.HTTPS, s.ports().https()),
            new Endpoint(EndpointKind.NATIVE_SECURE, s.ports().nativeSecure())),
        upstreams,
        new IpAccessListPolicy(s.spec().ipAccessList()),
        bindAddress);
  }
}
