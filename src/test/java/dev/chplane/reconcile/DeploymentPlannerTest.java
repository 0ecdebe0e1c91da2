package dev.chplane.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.domain.BackupConfiguration;
import dev.chplane.domain.Credentials;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.IpAccessEntry;
import dev.chplane.domain.Scaling;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServicePorts;
import dev.chplane.domain.ServiceSpec;
import dev.chplane.domain.ServiceState;
import dev.chplane.provision.ServiceDeployment;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeploymentPlannerTest {
  private static final long GIB = 1L << 30;

  private static Service service(List<IpAccessEntry> ips, Scaling scaling) {
    return service(ips, scaling, false, null);
  }

  private static Service service(
      List<IpAccessEntry> ips, Scaling scaling, boolean readonly, String dataWarehouseId) {
    ServiceSpec spec =
        new ServiceSpec(
            "svc",
            "aws",
            "us-east-1",
            null,
            ips,
            scaling,
            null,
            readonly,
            dataWarehouseId,
            false,
            List.of(),
            null,
            BackupConfiguration.defaults());
    return new Service(
        UUID.randomUUID(),
        UUID.randomUUID(),
        Instant.parse("2026-01-01T00:00:00Z"),
        spec,
        ServiceState.RUNNING,
        DesiredState.RUNNING,
        null,
        null,
        new Credentials("aa".repeat(32), "bb".repeat(20)),
        new ServicePorts(18443, 19440),
        1);
  }

  @Test
  void theServerAdmitsOnlyLoopbackBecauseTheEdgeEnforcesTheIpAccessList() {
    Service open = service(List.of(new IpAccessEntry("0.0.0.0/0", "")), Scaling.defaults());
    Service closed = service(List.of(), Scaling.defaults());
    assertThat(DeploymentPlanner.desired(open).networks()).containsExactly("127.0.0.1", "::1");
    assertThat(DeploymentPlanner.desired(closed).networks()).containsExactly("127.0.0.1", "::1");
  }

  @Test
  void memoryIsEffectiveMaxReplicaMemoryInBytes() {
    assertThat(DeploymentPlanner.desired(service(List.of(), Scaling.defaults())).memoryLimitBytes())
        .isEqualTo(8 * GIB);
    Scaling big = new Scaling(null, 8, 356, null, null, null, null, null, null, null);
    assertThat(DeploymentPlanner.desired(service(List.of(), big)).memoryLimitBytes())
        .isEqualTo(356 * GIB);
    Scaling total = new Scaling(null, null, null, null, null, null, null, 48, null, null);
    assertThat(DeploymentPlanner.desired(service(List.of(), total)).memoryLimitBytes())
        .isEqualTo(16 * GIB);
  }

  @Test
  void carriesIdentityReplicasAndPasswordHashes() {
    Service s =
        service(List.of(), new Scaling(null, null, null, 3, null, null, null, null, null, null));
    ServiceDeployment d = DeploymentPlanner.desired(s);
    assertThat(d.serviceId()).isEqualTo(s.id());
    assertThat(d.replicas()).as("numReplicas").isEqualTo(3);
    assertThat(d.passwordSha256Hex()).isEqualTo("aa".repeat(32));
    assertThat(d.doubleSha1Hex()).isEqualTo("bb".repeat(20));
  }

  @Test
  void aPrimaryIsItsOwnWarehouseAndWrites() {
    Service s = service(List.of(), Scaling.defaults());
    ServiceDeployment d = DeploymentPlanner.desired(s);
    assertThat(d.warehouseId()).isEqualTo(s.id());
    assertThat(d.isPrimary()).isTrue();
    assertThat(d.readOnly()).isFalse();
  }

  @Test
  void aSecondaryCarriesItsPrimarysIdAndReadOnly() {
    UUID primary = UUID.randomUUID();
    Service s = service(List.of(), Scaling.defaults(), true, primary.toString());
    ServiceDeployment d = DeploymentPlanner.desired(s);
    assertThat(d.serviceId()).isEqualTo(s.id());
    assertThat(d.warehouseId()).isEqualTo(primary);
    assertThat(d.isPrimary()).isFalse();
    assertThat(d.readOnly()).isTrue();
  }

  @Test
  void theOldConstructorMakesAWritablePrimary() {
    UUID id = UUID.randomUUID();
    ServiceDeployment d = new ServiceDeployment(id, 1, "aa", "bb", List.of(), GIB);
    assertThat(d.warehouseId()).isEqualTo(id);
    assertThat(d.readOnly()).isFalse();
  }
}
