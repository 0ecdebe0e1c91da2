package dev.chplane.reconcile;

import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServiceState;
import dev.chplane.provision.Provisioner;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the server of a service its user stopped: {@code stopping} while it runs, then {@code
 * stopped}.
 */
final class EnsureStopped implements StateStep {
  private static final Logger log = LoggerFactory.getLogger(EnsureStopped.class);

  private final ServiceStates states;
  private final Provisioner provisioner;
  private final Duration stopGrace;
  private final AppliedDeployments applied;

  EnsureStopped(
      ServiceStates states,
      Provisioner provisioner,
      Duration stopGrace,
      AppliedDeployments applied) {
    this.states = states;
    this.provisioner = provisioner;
    this.stopGrace = stopGrace;
    this.applied = applied;
  }

  @Override
  public Optional<Duration> run(Service s) {
    if (provisioner.isRunning(s.id())) {
      states.set(s.id(), DesiredState.STOPPED, ServiceState.STOPPING, s.failureReason(), null);
      provisioner.stop(s.id(), stopGrace);
    }
    applied.forget(s.id());
    if (s.state() != ServiceState.STOPPED) {
      states.set(s.id(), DesiredState.STOPPED, ServiceState.STOPPED, null, null);
      log.info("service {} ({}) is stopped", s.id(), s.spec().name());
    }
    return Optional.empty();
  }
}
