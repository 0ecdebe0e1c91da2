package dev.chplane.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WarehouseTest {
  private static final UUID ORG = UUID.randomUUID();

  private static ServiceSpec spec(String provider, String region, String warehouse) {
    return new ServiceSpec(
        "svc",
        provider,
        region,
        null,
        List.of(),
        Scaling.defaults(),
        null,
        false,
        warehouse,
        false,
        List.of(),
        null,
        BackupConfiguration.defaults());
  }

  private static Service service(UUID org, ServiceSpec spec, DesiredState desired) {
    return new Service(
        UUID.randomUUID(),
        org,
        Instant.parse("2026-01-01T00:00:00Z"),
        spec,
        ServiceState.RUNNING,
        desired,
        null,
        null,
        new Credentials("aa".repeat(32), "bb".repeat(20)),
        new ServicePorts(18443, 19440),
        1);
  }

  private static Service primary() {
    return service(ORG, spec("aws", "us-east-1", null), DesiredState.RUNNING);
  }

  private static ServiceSpec joining(Service primary) {
    return spec("aws", "us-east-1", primary.id().toString());
  }

  @Test
  void aServiceOfTheSameOrganizationProviderAndRegionCanBeJoined() {
    Service p = primary();
    assertThatCode(() -> Warehouse.requireJoinable(ORG, joining(p), Optional.of(p)))
        .doesNotThrowAnyException();
  }

  @Test
  void anUnknownServiceOrOneOfAnotherOrganizationIsRefused() {
    Service p = primary();
    assertThatThrownBy(() -> Warehouse.requireJoinable(ORG, joining(p), Optional.empty()))
        .isInstanceOf(DomainException.InvalidInput.class)
        .hasMessageStartingWith("dataWarehouseId: no service " + p.id());
    assertThatThrownBy(
            () -> Warehouse.requireJoinable(UUID.randomUUID(), joining(p), Optional.of(p)))
        .isInstanceOf(DomainException.InvalidInput.class)
        .hasMessageStartingWith("dataWarehouseId: no service " + p.id());
  }

  @Test
  void aSecondaryCannotBeJoinedAndTheRefusalNamesItsPrimary() {
    Service p = primary();
    Service secondary = service(ORG, joining(p), DesiredState.RUNNING);
    assertThatThrownBy(
            () ->
                Warehouse.requireJoinable(
                    ORG,
                    spec("aws", "us-east-1", secondary.id().toString()),
                    Optional.of(secondary)))
        .isInstanceOf(DomainException.InvalidInput.class)
        .hasMessageStartingWith("dataWarehouseId: ")
        .hasMessageContaining("is itself a secondary")
        .hasMessageContaining(p.id().toString());
  }

  @Test
  void aPrimaryBeingDeletedCannotBeJoined() {
    Service p = service(ORG, spec("aws", "us-east-1", null), DesiredState.DELETED);
    assertThatThrownBy(() -> Warehouse.requireJoinable(ORG, joining(p), Optional.of(p)))
        .isInstanceOf(DomainException.InvalidInput.class)
        .hasMessageContaining("being deleted");
  }

  @Test
  void aSecondaryLivesInItsPrimarysProviderAndRegion() {
    Service p = primary();
    String id = p.id().toString();
    assertThatThrownBy(
            () -> Warehouse.requireJoinable(ORG, spec("gcp", "us-east1", id), Optional.of(p)))
        .isInstanceOf(DomainException.InvalidInput.class)
        .hasMessageStartingWith("dataWarehouseId: ")
        .hasMessageContaining("provider 'aws'");
    assertThatThrownBy(
            () -> Warehouse.requireJoinable(ORG, spec("aws", "eu-west-1", id), Optional.of(p)))
        .isInstanceOf(DomainException.InvalidInput.class)
        .hasMessageStartingWith("dataWarehouseId: ")
        .hasMessageContaining("region 'us-east-1'");
  }

  @Test
  void aSecondaryDoesNotStartFromABackup() {
    Service p = primary();
    assertThatThrownBy(
            () ->
                Warehouse.requireJoinable(
                    ORG, joining(p).withRestoreFrom(UUID.randomUUID()), Optional.of(p)))
        .isInstanceOf(DomainException.InvalidInput.class)
        .hasMessageContaining("backupId");
  }

  @Test
  void theWarehouseOfAPrimaryIsItselfAndOfASecondaryItsPrimary() {
    Service p = primary();
    Service s = service(ORG, joining(p), DesiredState.RUNNING);
    assertThat(p.isPrimary()).isTrue();
    assertThat(p.warehouseId()).isEqualTo(p.id());
    assertThat(s.isPrimary()).isFalse();
    assertThat(s.warehouseId()).isEqualTo(p.id());
  }

  @Test
  void deletingAPrimaryWithSecondariesIsRefusedNamingThem() {
    Service p = primary();
    Service s1 = service(ORG, joining(p), DesiredState.RUNNING);
    Service s2 = service(ORG, joining(p), DesiredState.DELETED);
    Service other = primary();
    List<Service> secondaries = Warehouse.secondariesOf(p, List.of(p, s1, other, s2));
    assertThat(secondaries).containsExactly(s1, s2);
    assertThatThrownBy(() -> Warehouse.requireNoSecondaries(p, secondaries))
        .isInstanceOf(DomainException.InvalidInput.class)
        .hasMessageContaining(s1.id().toString())
        .hasMessageContaining(s2.id().toString())
        .hasMessageContaining("delete them first");
    assertThatCode(() -> Warehouse.requireNoSecondaries(p, List.of())).doesNotThrowAnyException();
  }
}
