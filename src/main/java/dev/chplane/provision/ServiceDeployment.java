package dev.chplane.provision;

import dev.chplane.domain.ServicePorts;
import java.util.List;
import java.util.UUID;

/**
 * What a provisioner needs to run one service: its ports, the {@code default} user's password
 * hashes and allowed networks (ClickHouse patterns; empty = no access) and the memory limit.
 */
public record ServiceDeployment(
    UUID serviceId,
    ServicePorts ports,
    String passwordSha256Hex,
    String doubleSha1Hex,
    List<String> networks,
    long memoryLimitBytes) {

  public ServiceDeployment {
    networks = List.copyOf(networks);
  }
}
