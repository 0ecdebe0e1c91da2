package dev.chplane.reconcile;

import dev.chplane.domain.Activity;
import dev.chplane.domain.ActivityType;
import dev.chplane.domain.Actor;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServiceState;
import dev.chplane.edge.EdgeServer;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.Provisioner;
import dev.chplane.provision.ReplicaAddress;
import dev.chplane.provision.ReplicaStatus;
import dev.chplane.provision.ServiceDeployment;
import dev.chplane.store.MetadataStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one service from what its user asked ({@link Service#desiredState()}, its spec) toward
 * what runs, in small idempotent steps, and writes the observed state after each. A pass may stop
 * at any point (crash, kill -9) and the next pass carries on from what it finds. Passes for one
 * service never overlap ({@link ReconcileLoop} sees to that).
 */
public final class ServiceReconciler {
  private static final Logger log = LoggerFactory.getLogger(ServiceReconciler.class);

  private final MetadataStore store;
  private final Provisioner provisioner;
  private final Duration startTimeout;
  private final Duration stopGrace;
  private final RestoreStep restore;
  private final EdgeServer edge;
  /** The deployment each running server last applied; empty after a restart, so it is applied again once. */
  private final Map<UUID, ServiceDeployment> applied = new ConcurrentHashMap<>();
  /** Services this reconciler has passed over since chplane started. */
  private final Set<UUID> seen = ConcurrentHashMap.newKeySet();

  public ServiceReconciler(MetadataStore store, Provisioner provisioner, Duration startTimeout, Duration stopGrace,
      RestoreStep restore, EdgeServer edge) {
    this.edge = edge;
    this.store = store;
    this.provisioner = provisioner;
    this.startTimeout = startTimeout;
    this.stopGrace = stopGrace;
    this.restore = restore;
  }

  /** One pass for one service. */
  public void reconcile(UUID id) {
    Optional<Service> found = store.findService(id);
    if (found.isEmpty()) {
      return;
    }
    Service service = found.get();
    if (service.desiredState() == DesiredState.DELETED) {
      edge.unroute(service.id());
    } else {
      List<ReplicaStatus> replicas = provisioner.replicas(service.id());
      try {
        if (!replicas.isEmpty()) {
          ReplicaAddress upstream = replicas.get(0).address();
          edge.route(service.id(), service.ports().https(), upstream.httpsPort(), service.spec().ipAccessList());
          edge.route(service.id(), service.ports().nativeSecure(), upstream.nativeSecurePort(),
              service.spec().ipAccessList());
        }
      } catch (java.io.IOException e) {
        log.error("service {}: the edge cannot listen on its endpoint ports {}/{}: {}", service.id(),
            service.ports().https(), service.ports().nativeSecure(), e.getMessage());
      }
    }
    switch (service.desiredState()) {
      case RUNNING -> ensureRunning(service);
      case STOPPED -> ensureStopped(service);
      case DELETED -> ensureDeleted(service);
    }
  }

  private void ensureRunning(Service s) {
    if (s.state() == ServiceState.FAILED) {
      return; // a failed service waits for a start command
    }
    if (s.goingIdle() || s.state() == ServiceState.IDLE) {
      goIdle(s);
      return;
    }
    boolean firstPass = seen.add(s.id());
    ServiceDeployment deployment = DeploymentPlanner.desired(s);
    try {
      if (s.state() == ServiceState.PROVISIONING && s.spec().restoreFrom() != null) {
        provisionFromBackup(s, deployment);
        return;
      }
      if (s.clickhouseVersion() != null && !provisioner.hasFiles(s.id())) {
        filesMissing(s);
        return;
      }
      provisioner.configure(deployment);
      // a degraded server runs but did not answer the readiness check: it is left to recover
      boolean up = s.state() == ServiceState.RUNNING || s.state() == ServiceState.DEGRADED;
      if (provisioner.isRunning(s.id())) {
        if (up) {
          applyIfChanged(deployment);
          return;
        }
        // a server left running (by an earlier chplane, or a start cut short): adopt it
        String version = provisioner.start(deployment, startTimeout);
        applyIfChanged(deployment);
        markRunning(s.id(), version, firstPass ? "adopted its running clickhouse-server after chplane restarted" : null);
        log.info("service {} ({}): adopted the running clickhouse-server", s.id(), s.spec().name());
        return;
      }
      ServiceState transitional = s.state() == ServiceState.PROVISIONING || s.state() == ServiceState.AWAKING
          ? s.state() : ServiceState.STARTING;
      String why = !up ? null : firstPass
          ? "restarting clickhouse-server after chplane restarted: it was not running"
          : "clickhouse-server had exited unexpectedly: restarting it";
      setState(s.id(), DesiredState.RUNNING, transitional, null,
          why == null ? null : Actor.system(why).did(ActivityType.SERVICE_START, s.organizationId(), s.id()));
      log.info("service {} ({}): starting clickhouse-server on ports {}/{}", s.id(), s.spec().name(),
          s.ports().https(), s.ports().nativeSecure());
      String version = provisioner.start(deployment, startTimeout);
      applied.put(s.id(), deployment);
      markRunning(s.id(), version, null);
    } catch (ProvisionException e) {
      log.error("service {} ({}) failed: {}", s.id(), s.spec().name(), e.getMessage());
      applied.remove(s.id());
      setState(s.id(), DesiredState.RUNNING, ServiceState.FAILED, e.getMessage(), Actor.system(
          "clickhouse-server failed: " + e.getMessage()).did(ActivityType.SERVICE_STOP, s.organizationId(), s.id()));
    }
  }

  /**
   * A service that has run has files; if they are gone (a wrong or damaged data directory, files
   * removed by hand) it fails rather than start again empty, which would pass for a working service
   * that lost every table.
   */
  private void filesMissing(Service s) {
    String reason = "its files are missing from the data directory; chplane does not make the service again"
        + " empty: restore them, or restore a backup into a new service";
    log.error("service {} ({}): {}", s.id(), s.spec().name(), reason);
    applied.remove(s.id());
    setState(s.id(), DesiredState.RUNNING, ServiceState.FAILED, reason,
        Actor.system(reason).did(ActivityType.SERVICE_STOP, s.organizationId(), s.id()));
  }

  /**
   * Idle scaling's step: the server stops, and only once it has exited is the service {@code idle}
   * (unless a wake or a command came meanwhile). A crash in the middle leaves it {@code stopping},
   * and the next pass stops whatever still runs. An idle service has no server: one found running
   * (left by a chplane that wrote {@code idle} before stopping) is stopped too.
   */
  private void goIdle(Service s) {
    provisioner.stop(s.id(), stopGrace);
    applied.remove(s.id());
    Service after = store.mutateService(s.id(), c -> c.goingIdle() ? c.withState(ServiceState.IDLE, null) : c);
    if (s.goingIdle() && after.state() == ServiceState.IDLE) {
      log.info("service {} ({}) is idle: its server has exited", s.id(), s.spec().name());
    }
  }

  /**
   * A restore starts from nothing every time: whatever an earlier, interrupted attempt left is
   * removed, so a crash in the middle never leaves a service with part of its backup.
   */
  private void provisionFromBackup(Service s, ServiceDeployment deployment) throws ProvisionException {
    provisioner.remove(s.id());
    provisioner.configure(deployment);
    log.info("service {} ({}): starting clickhouse-server to restore backup {}", s.id(), s.spec().name(),
        s.spec().restoreFrom());
    String version = provisioner.start(deployment, startTimeout);
    applied.put(s.id(), deployment);
    restore.restore(s, deployment);
    markRunning(s.id(), version, null);
  }

  private void applyIfChanged(ServiceDeployment deployment) throws ProvisionException {
    if (!deployment.equals(applied.get(deployment.serviceId()))) {
      provisioner.reload(deployment);
      applied.put(deployment.serviceId(), deployment);
    }
  }

  /** Marks the service running; {@code why}, when given, is recorded as a system activity. */
  private void markRunning(UUID id, String version, String why) {
    store.mutateService(id, current -> current.desiredState() == DesiredState.RUNNING
        ? current.withState(ServiceState.RUNNING, null).withClickhouseVersion(version)
        : current, (before, after) -> why == null ? List.of()
            : List.of(Actor.system(why).did(ActivityType.SERVICE_RUNNING, after.organizationId(), id)));
    log.info("service {} is running ClickHouse {}", id, version);
  }

  private void ensureStopped(Service s) {
    if (provisioner.isRunning(s.id())) {
      setState(s.id(), DesiredState.STOPPED, ServiceState.STOPPING, s.failureReason(), null);
      provisioner.stop(s.id(), stopGrace);
    }
    applied.remove(s.id());
    if (s.state() != ServiceState.STOPPED) {
      setState(s.id(), DesiredState.STOPPED, ServiceState.STOPPED, null, null);
      log.info("service {} ({}) is stopped", s.id(), s.spec().name());
    }
  }

  private void ensureDeleted(Service s) {
    setState(s.id(), DesiredState.DELETED, ServiceState.TERMINATING, null, null);
    try {
      provisioner.remove(s.id());
    } catch (ProvisionException e) {
      log.error("service {}: cannot remove it yet: {}", s.id(), e.getMessage());
      throw new IllegalStateException(e.getMessage(), e);
    }
    applied.remove(s.id());
    store.deleteService(s.id());
    log.info("service {} ({}) is deleted with its data", s.id(), s.spec().name());
  }

  /**
   * Writes the observed state unless the user has since asked for something else, with {@code
   * activity} (may be null) in the same transaction.
   */
  private void setState(UUID id, DesiredState expectedDesire, ServiceState state, String reason, Activity activity) {
    store.mutateService(id, current -> current.desiredState() == expectedDesire
        ? current.withState(state, reason)
        : current, (before, after) -> activity == null ? List.of() : List.of(activity));
  }
}
