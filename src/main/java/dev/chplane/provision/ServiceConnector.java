package dev.chplane.provision;

import java.util.UUID;

/**
 * How workers reach a service's servers: the narrow part of a {@link Provisioner} that pipes,
 * backups, metrics, the Query API and readiness checks depend on. It neither starts nor stops
 * anything. Handing out an accessor contacts nothing; its calls fail with a {@link
 * ProvisionException} when the service has no answering server.
 */
public interface ServiceConnector {

  /** SQL and inserts against the service. */
  ServiceAccess access(UUID serviceId);

  /**
   * SQL against one replica of the service only ({@code 0 <= replica < } its replica count), for
   * work that concerns each replica (per-replica metrics, catch-up checks); calls fail when that
   * replica does not answer.
   */
  ServiceAccess replicaAccess(UUID serviceId, int replica);

  /** The service's table parts (on one ready replica), for backups and restores. */
  PartTransfer parts(UUID serviceId);
}
