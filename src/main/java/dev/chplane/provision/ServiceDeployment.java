package dev.chplane.provision;

import java.util.List;
import java.util.UUID;

/**
 * The plan for one service, what a provisioner needs to run it: how many replicas, the {@code
 * default} user's password hashes and allowed networks (ClickHouse patterns; empty = no access) and
 * the memory limit of each replica. Where replicas run and on which ports is the provisioner's
 * business, not the plan's.
 *
 * <p>{@code warehouseId} is the primary service of the service's warehouse ({@code serviceId}
 * itself for a primary): the services of one warehouse replicate the same tables through the same
 * ZooKeeper paths, each with its own servers. {@code readOnly}: the {@code default} user may only
 * read (a secondary created with {@code isReadonly}).
 */
public record ServiceDeployment(
    UUID serviceId,
    int replicas,
    String passwordSha256Hex,
    String doubleSha1Hex,
    List<String> networks,
    long memoryLimitBytes,
    UUID warehouseId,
    boolean readOnly) {

  public ServiceDeployment {
    if (replicas < 1) {
      throw new IllegalArgumentException("a service runs at least one replica, not " + replicas);
    }
    networks = List.copyOf(networks);
    if (warehouseId == null) {
      throw new IllegalArgumentException("a deployment names its warehouse");
    }
  }

  /** The plan of a primary service whose {@code default} user may write. */
  public ServiceDeployment(
      UUID serviceId,
      int replicas,
      String passwordSha256Hex,
      String doubleSha1Hex,
      List<String> networks,
      long memoryLimitBytes) {
    this(
        serviceId,
        replicas,
        passwordSha256Hex,
        doubleSha1Hex,
        networks,
        memoryLimitBytes,
        serviceId,
        false);
  }

  /** A primary is the first service of its warehouse, whose id the warehouse carries. */
  public boolean isPrimary() {
    return warehouseId.equals(serviceId);
  }
}
