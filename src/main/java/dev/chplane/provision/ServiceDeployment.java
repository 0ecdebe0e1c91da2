package dev.chplane.provision;

import java.util.List;
import java.util.UUID;

/**
 * The plan for one service, what a provisioner needs to run it: how many replicas (one today), the
 * {@code default} user's password hashes and allowed networks (ClickHouse patterns; empty = no
 * access) and the memory limit of each replica. Where replicas run and on which ports is the
 * provisioner's business, not the plan's.
 */
public record ServiceDeployment(
    UUID serviceId,
    int replicas,
    String passwordSha256Hex,
    String doubleSha1Hex,
    List<String> networks,
    long memoryLimitBytes) {

  public ServiceDeployment {
    if (replicas < 1) {
      throw new IllegalArgumentException("a service runs at least one replica, not " + replicas);
    }
    networks = List.copyOf(networks);
  }
}
