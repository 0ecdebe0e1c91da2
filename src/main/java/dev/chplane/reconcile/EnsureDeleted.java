package dev.chplane.reconcile;

import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServiceState;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.Provisioner;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes a service its user deleted: {@code terminating} while its server and files are removed,
 * then the service itself. If they cannot be removed yet it stays {@code terminating} and the step
 * is tried again after {@link #RETRY}.
 */
final class EnsureDeleted implements StateStep {
  static final Duration RETRY = Duration.ofSeconds(30);
  private static final Logger log = LoggerFactory.getLogger(EnsureDeleted.class);

  private final ServiceStates states;
  private final Provisioner provisioner;
  private final AppliedDeployments applied;

  EnsureDeleted(ServiceStates states, Provisioner provisioner, AppliedDeployments applied) {
    this.states = states;
    this.provisioner = provisioner;
    this.applied = applied;
  }

  @Override
  public Optional<Duration> run(Service s) {
    states.set(s.id(), DesiredState.DELETED, ServiceState.TERMINATING, null, null);
    try {
      provisioner.remove(s.id());
    } catch (ProvisionException e) {
      log.error(
          "service {}: cannot remove it yet, trying again in {} s: {}",
          s.id(),
          RETRY.toSeconds(),
          e.getMessage());
      return Optional.of(RETRY);
    }
    applied.forget(s.id());
    states.store().deleteService(s.id());
    log.info("service {} ({}) is deleted with its data", s.id(), s.spec().name());
    return Optional.empty();
  }
}
