package dev.chplane.provision.local;

import dev.chplane.provision.ProvisionException;
import java.time.Duration;
import java.util.List;

/**
 * The ZooKeeper ensemble that coordinates the replicated servers of every service: chplane's own
 * nodes, run as child processes under the data directory and adopted after a restart like
 * ClickHouse servers, or an external ensemble ({@code --zookeeper host:port,...}). Paths are
 * absolute ({@code /chplane/<warehouse>}); each warehouse's servers use their own root under it.
 * Thread-safe.
 */
public interface Coordination extends AutoCloseable {

  /** The ensemble's nodes, as the servers' {@code <zookeeper>} section lists them. */
  List<ZooKeeperNode> nodes();

  /**
   * Makes sure the ensemble serves requests: starts (or adopts) chplane's own nodes that do not
   * run, and waits up to {@code timeout} for a quorum; an external ensemble is only waited for.
   *
   * @throws ProvisionException with the reason when it does not serve within {@code timeout}
   */
  void ensureServing(Duration timeout) throws ProvisionException;

  /** Creates {@code path} and its missing parents (empty nodes); a no-op where it exists. */
  void createPath(String path) throws ProvisionException;

  /** True if {@code path} exists. */
  boolean exists(String path) throws ProvisionException;

  /** The names of {@code path}'s children; empty when it does not exist. */
  List<String> children(String path) throws ProvisionException;

  /** Deletes {@code path} and everything under it; a no-op where it does not exist. */
  void deleteRecursive(String path) throws ProvisionException;

  /**
   * Closes chplane's client session. Chplane's own nodes keep running (like ClickHouse servers,
   * they outlive a chplane restart).
   */
  @Override
  void close();
}
