package dev.chplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.domain.BackupConfiguration;
import dev.chplane.domain.Credentials;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Scaling;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServicePorts;
import dev.chplane.domain.ServiceSpec;
import dev.chplane.domain.ServiceState;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ServiceViewTest {

  @Test
  void defaultBackupConfigurationShowsDefaultPeriodAndRetention() {
    ObjectNode out = ServiceView.backupConfiguration(BackupConfiguration.defaults());
    assertThat(out.get("backupPeriodInHours").intValue()).isEqualTo(24);
    assertThat(out.get("backupRetentionPeriodInHours").intValue()).isEqualTo(24);
    assertThat(out.has("backupStartTime")).isFalse();
  }

  @Test
  void startTimeWithoutPeriodOmitsPeriodAndEchoesStartTime() {
    ObjectNode out = ServiceView.backupConfiguration(new BackupConfiguration(null, null, "10:00"));
    assertThat(out.has("backupPeriodInHours")).isFalse();
    assertThat(out.get("backupStartTime").textValue()).isEqualTo("10:00");
    assertThat(out.get("backupRetentionPeriodInHours").intValue()).isEqualTo(24);
  }

  @Test
  void setValuesAreEchoed() {
    ObjectNode out = ServiceView.backupConfiguration(new BackupConfiguration(12, 72, null));
    assertThat(out.get("backupPeriodInHours").intValue()).isEqualTo(12);
    assertThat(out.get("backupRetentionPeriodInHours").intValue()).isEqualTo(72);
  }

  @Test
  void periodSentWithStartTimeIsEchoedAsSent() {
    ObjectNode out = ServiceView.backupConfiguration(new BackupConfiguration(6, null, "01:00"));
    assertThat(out.get("backupPeriodInHours").intValue()).isEqualTo(6);
    assertThat(out.get("backupStartTime").textValue()).isEqualTo("01:00");
  }

  private static Service service(Scaling scaling) {
    ServiceSpec spec =
        new ServiceSpec(
            "svc",
            "aws",
            "us-east-1",
            null,
            List.of(),
            scaling,
            null,
            false,
            null,
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
  void replicaCountsAreThePlannedReplicasUnlessTheClientSetThem() {
    ObjectNode unset = new ServiceView("localhost").service(service(Scaling.defaults()));
    assertThat(unset.get("numReplicas").intValue()).isEqualTo(1);
    assertThat(unset.at("/currentScaling/effectiveMinReplicas").intValue()).isEqualTo(1);
    assertThat(unset.at("/currentScaling/effectiveMaxReplicas").intValue()).isEqualTo(1);

    ObjectNode asked =
        new ServiceView("localhost")
            .service(service(new Scaling(null, null, null, 3, null, null, null, null, null, null)));
    assertThat(asked.get("numReplicas").intValue()).as("echoed as sent").isEqualTo(3);
    assertThat(asked.at("/currentScaling/effectiveMinReplicas").intValue())
        .as("what runs")
        .isEqualTo(3);
    assertThat(asked.at("/currentScaling/effectiveMaxReplicas").intValue()).isEqualTo(3);
  }

  @Test
  void horizontalModeReportsTheBandAndRunsTheLoadScalersCount() {
    Scaling band = new Scaling("horizontal", 8, 8, null, 2, 5, null, null, null, null, 4);
    ObjectNode out = new ServiceView("localhost").service(service(band));
    assertThat(out.get("minReplicas").intValue()).isEqualTo(2);
    assertThat(out.get("maxReplicas").intValue()).isEqualTo(5);
    assertThat(out.has("numReplicas")).isFalse();
    assertThat(out.at("/currentScaling/effectiveMinReplicas").intValue()).isEqualTo(2);
    assertThat(out.at("/currentScaling/effectiveMaxReplicas").intValue()).isEqualTo(5);
    assertThat(band.plannedReplicas()).isEqualTo(4);
    assertThat(band.withCurrentReplicas(9).plannedReplicas())
        .as("kept within the band")
        .isEqualTo(5);
    assertThat(band.withCurrentReplicas(null).plannedReplicas())
        .as("the band's minimum")
        .isEqualTo(2);
  }

  @Test
  void anEqualBandInVerticalModeIsAFixedCount() {
    Scaling fixed = new Scaling(null, null, null, null, 2, 2, null, null, null, null);
    assertThat(fixed.plannedReplicas()).isEqualTo(2);
    ObjectNode out = new ServiceView("localhost").service(service(fixed));
    assertThat(out.at("/currentScaling/effectiveMinReplicas").intValue()).isEqualTo(2);
    assertThat(out.at("/currentScaling/effectiveMaxReplicas").intValue()).isEqualTo(2);
  }

  @Test
  void endpointsArePublicPortsNeverTheServersOwn() {
    ObjectNode out = new ServiceView("db.example").service(service(Scaling.defaults()));
    assertThat(out.get("endpoints").toString())
        .isEqualTo(
            "[{\"protocol\":\"nativesecure\",\"host\":\"db.example\",\"port\":19440},"
                + "{\"protocol\":\"https\",\"host\":\"db.example\",\"port\":18443}]");
  }

  @Test
  void aPrimaryIsItsOwnWarehouseAndASecondaryShowsItsPrimarysId() {
    Service primary = service(Scaling.defaults());
    ObjectNode p = new ServiceView("localhost").service(primary);
    assertThat(p.get("dataWarehouseId").textValue()).isEqualTo(primary.id().toString());
    assertThat(p.get("isPrimary").booleanValue()).isTrue();
    assertThat(p.get("isReadonly").booleanValue()).isFalse();

    Service secondary =
        primary.withSpec(
            new ServiceSpec(
                "svc-2",
                "aws",
                "us-east-1",
                null,
                List.of(),
                Scaling.defaults(),
                null,
                true,
                primary.id().toString(),
                false,
                List.of(),
                null,
                BackupConfiguration.defaults()));
    ObjectNode s = new ServiceView("localhost").service(secondary);
    assertThat(s.get("dataWarehouseId").textValue()).isEqualTo(primary.id().toString());
    assertThat(s.get("isPrimary").booleanValue()).isFalse();
    assertThat(s.get("isReadonly").booleanValue()).isTrue();
  }
}
