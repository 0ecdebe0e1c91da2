package dev.chplane.reconcile;

import dev.chplane.domain.Service;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.Provisioner;
import dev.chplane.provision.ServiceDeployment;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a new service from a backup. A restore starts from nothing every time: whatever an earlier,
 * interrupted attempt left is removed, so a crash in the middle never leaves a service with part of
 * its backup.
 */
final class RestoreFromBackup {
  private static final Logger log = LoggerFactory.getLogger(RestoreFromBackup.class);

  private final Provisioner provisioner;
  private final Duration startTimeout;
  private final AppliedDeployments applied;
  private final RestoreStep restore;

  RestoreFromBackup(
      Provisioner provisioner,
      Duration startTimeout,
      AppliedDeployments applied,
      RestoreStep restore) {
    this.provisioner = provisioner;
    this.startTimeout = startTimeout;
    this.applied = applied;
    this.restore = restore;
  }

  /** Starts an empty server, restores the backup into it and returns the server's version. */
  String run(Service s, ServiceDeployment deployment) throws ProvisionException {
    provisioner.remove(s.id());
    provisioner.configure(deployment);
    log.info(
        "service {} ({}): starting clickhouse-server to restore backup {}",
        s.id(),
        s.spec().name(),
        s.spec().restoreFrom());
    String version = provisioner.start(deployment, startTimeout);
    applied.started(deployment);
    restore.restore(s, deployment);
    return version;
  }
}
