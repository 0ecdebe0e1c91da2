package dev.chplane.reconcile;

import dev.chplane.domain.Service;
import dev.chplane.domain.ServiceState;
import dev.chplane.provision.Provisioner;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idle scaling's step ({@link IdleScaler} decides, this acts): the server stops, and only once it
 * has exited is the service {@code idle} (unless a wake or a command came meanwhile). A crash in
 * the middle leaves it {@code stopping}, and the next pass stops whatever still runs. An idle
 * service has no server: one found running (left by a chplane that wrote {@code idle} before
 * stopping) is stopped too.
 */
final class GoIdle implements StateStep {
  private static final Logger log = LoggerFactory.getLogger(GoIdle.class);

  private final ServiceStates states;
  private final Provisioner provisioner;
  private final Duration stopGrace;
  private final AppliedDeployments applied;

  GoIdle(
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
    provisioner.stop(s.id(), stopGrace);
    applied.forget(s.id());
    Service after =
        states
            .store()
            .mutateService(s.id(), c -> c.goingIdle() ? c.withState(ServiceState.IDLE, null) : c);
    if (s.goingIdle() && after.state() == ServiceState.IDLE) {
      log.info("service {} ({}) is idle: its server has exited", s.id(), s.spec().name());
    }
    return Optional.empty();
  }
}
