package dev.chplane.reconcile;

import dev.chplane.domain.IpAccessEntry;
import dev.chplane.domain.IpSource;
import dev.chplane.domain.Service;
import dev.chplane.provision.ServiceDeployment;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Turns a service as the user configured it into what its server must run with: a pure function. */
public final class DeploymentPlanner {
  private static final long GIB = 1L << 30;

  private DeploymentPlanner() {}

  public static ServiceDeployment desired(Service s) {
    Set<String> networks = new LinkedHashSet<>();
    for (IpAccessEntry entry : s.spec().ipAccessList()) {
      networks.add(IpSource.toClickHousePattern(entry.source()));
    }
    long memory = s.spec().scaling().effectiveMaxReplicaMemoryGb() * GIB;
    return new ServiceDeployment(s.id(), s.ports(), s.credentials().sha256Hex(),
        s.credentials().doubleSha1Hex(), List.copyOf(networks), memory);
  }
}
