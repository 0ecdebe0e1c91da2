package dev.chplane.provision;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Runs the ClickHouse servers of services. Every method is idempotent and may be called again after
 * a crash at any point: it looks at what exists and does only what is missing. Calls for one
 * service must not overlap (the reconciler holds one lock per service); calls for different
 * services may. A provisioner owns placement and addressing: where each replica runs and how it is
 * reached is known here only, and reported by {@link #replicas(UUID)}; workers reach servers
 * through {@link ServiceConnector}.
 */
public interface Provisioner extends ServiceConnector {

  /** Writes the service's configuration; returns true if it changed. */
  boolean configure(ServiceDeployment deployment) throws ProvisionException;

  /** True if the service's server process is alive. */
  boolean isRunning(UUID serviceId);

  /**
   * Starts the server unless it runs already, and returns its version once it answers queries. A
   * server that runs already but exits before it answers (it was stopping when chplane died) is
   * replaced by a new one.
   *
   * @throws ProvisionException with the reason when the server it started exits, or no server
   *     answers within {@code timeout}
   */
  String start(ServiceDeployment deployment, Duration timeout) throws ProvisionException;

  /**
   * True if the running server answers chplane's query within {@code timeout}; an error answer
   * counts, since only a server that is alive gives one.
   */
  boolean answers(UUID serviceId, Duration timeout);

  /** Makes a running server apply its configuration (users, passwords, networks) now. */
  void reload(ServiceDeployment deployment) throws ProvisionException;

  /**
   * Stops the server: a graceful stop, forced after {@code grace}. A no-op if it is not running.
   */
  void stop(UUID serviceId, Duration grace);

  /** Stops the server and deletes its configuration and data. */
  void remove(UUID serviceId) throws ProvisionException;

  /** The services this provisioner holds anything for (configuration, data or a process). */
  Set<UUID> present();

  /** True if the service's files (configuration and data) exist. */
  boolean hasFiles(UUID serviceId);

  /**
   * Stops the server gracefully (forced after {@code grace}) and moves the service's files, whole,
   * into {@code quarantineDir}; nothing is deleted. Returns where they are now.
   *
   * @throws ProvisionException if the server does not stop or the files cannot be moved; then they
   *     stay where they were
   */
  Path quarantine(UUID serviceId, Path quarantineDir, Duration grace) throws ProvisionException;

  /**
   * The service's replicas as placed: one entry per replica the provisioner holds anything for,
   * with its address and observed phase (one today). Empty for a service it knows nothing of.
   */
  List<ReplicaStatus> replicas(UUID serviceId);
}
