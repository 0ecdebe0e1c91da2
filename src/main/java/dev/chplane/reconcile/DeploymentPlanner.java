package dev.chplane.reconcile;

import dev.chplane.domain.Service;
import dev.chplane.provision.ServiceDeployment;
import java.util.List;

/**
 * Turns a service as the user configured it into the plan its provisioner runs: a pure function,
 * called by the reconciler only (workers reach servers through the provisioner's access).
 */
public final class DeploymentPlanner {
  private static final long GIB = 1L << 30;
  private static final List<String> LOOPBACK = List.of("127.0.0.1", "::1");

  private DeploymentPlanner() {}

  public static ServiceDeployment desired(Service s) {
    long memory = s.spec().scaling().effectiveMaxReplicaMemoryGb() * GIB;
    // the edge enforces the IP access list; the server only ever sees connections from loopback
    return new ServiceDeployment(
        s.id(),
        s.spec().scaling().plannedReplicas(),
        s.credentials().sha256Hex(),
        s.credentials().doubleSha1Hex(),
        LOOPBACK,
        memory,
        s.warehouseId(),
        s.spec().readonly());
  }
}
