package dev.chplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chplane.domain.ApiKey;
import dev.chplane.domain.BackupConfiguration;
import dev.chplane.domain.Credentials;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.IpAccessEntry;
import dev.chplane.domain.Organization;
import dev.chplane.domain.Scaling;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServicePorts;
import dev.chplane.domain.ServiceSpec;
import dev.chplane.domain.ServiceState;
import dev.chplane.domain.Tag;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcMetadataStoreTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123Z");

  @TempDir Path dir;
  private MetadataStore store;
  private Organization org;

  @BeforeEach
  void open() {
    store = EmbeddedStore.open(dir);
    org = new Organization(UUID.randomUUID(), "acme", T0, true);
    store.insertOrganization(org);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Service service(UUID organizationId, int httpsPort, Instant createdAt) {
    ServiceSpec spec = new ServiceSpec("svc-" + httpsPort, "aws", "eu-west-1", "production",
        List.of(new IpAccessEntry("10.0.0.0/8", "office"), new IpAccessEntry("0.0.0.0", "")),
        new Scaling("vertical", 8, 16, null, 1, 3, null, null, false, 30), "fast", false, null, true,
        List.of(new Tag("env", "prod"), new Tag("flag", null)), Boolean.FALSE,
        new BackupConfiguration(12, 48, "03:30"));
    return new Service(UUID.randomUUID(), organizationId, createdAt, spec, ServiceState.PROVISIONING,
        DesiredState.RUNNING, null, "24.8.4.13", new Credentials("aa".repeat(32), "bb".repeat(20)),
        new ServicePorts(httpsPort, httpsPort + 1000), 0);
  }

  @Test
  void organizationRoundTrips() {
    assertThat(store.findOrganization(org.id())).contains(org);
    assertThat(store.findOrganization(UUID.randomUUID())).isEmpty();
    assertThat(store.listOrganizations()).containsExactly(org);
  }

  @Test
  void apiKeyRoundTripsWithRolesAndNoExpiry() {
    ApiKey key = new ApiKey(UUID.randomUUID(), org.id(), "ci", "aa".repeat(32), "wxyz", "cc".repeat(32),
        List.of("admin", "developer"), "enabled", T0, null, null,
        List.of(new IpAccessEntry("10.0.0.0/8", "lan"), new IpAccessEntry("::1", "")), 0);
    store.insertApiKey(key);
    assertThat(store.findApiKey(key.id())).contains(key);
    assertThat(store.findApiKeyByKeyIdHash("aa".repeat(32))).contains(key);
    assertThat(store.listApiKeys(org.id())).containsExactly(key);
  }

  @Test
  void apiKeyRoundTripsWithExpiryAndNoRoles() {
    ApiKey key = new ApiKey(UUID.randomUUID(), org.id(), "ro", "bb".repeat(32), "abcd", "dd".repeat(32),
        List.of(), "disabled", T0, T0.plusSeconds(3600), T0, List.of(), 0);
    store.insertApiKey(key);
    assertThat(store.findApiKey(key.id())).contains(key);
  }

  @Test
  void apiKeyUpdateIsCompareAndSetAndDeleteRemovesIt() {
    ApiKey key = new ApiKey(UUID.randomUUID(), org.id(), "k", "ee".repeat(32), "abcd", "ff".repeat(32),
        List.of("admin"), "enabled", T0, null, null, List.of(), 0);
    store.insertApiKey(key);
    ApiKey renamed = store.updateApiKey(key.withSettings("renamed", List.of("developer"), "disabled", T0, List.of()));
    assertThat(renamed.version()).isEqualTo(1);
    assertThat(store.findApiKey(key.id())).contains(renamed);
    assertThatThrownBy(() -> store.updateApiKey(key.withUsedAt(T0))).isInstanceOf(StaleVersionException.class);
    store.inTransaction(tx -> {
      tx.deleteApiKey(key.id());
      return null;
    });
    assertThat(store.findApiKey(key.id())).isEmpty();
  }

  @Test
  void serviceRoundTripsEqualToWhatWasInserted() {
    Service s = service(org.id(), 18443, T0);
    store.insertService(s);
    assertThat(store.findService(s.id())).contains(s);
  }

  @Test
  void updateIncrementsVersionAndStoresChange() {
    Service s = service(org.id(), 18443, T0);
    store.insertService(s);
    Service updated = store.updateService(s.withState(ServiceState.RUNNING, null));
    assertThat(updated.version()).isEqualTo(1);
    assertThat(store.findService(s.id())).contains(updated);
  }

  @Test
  void updateFromStaleCopyIsRefused() {
    Service s = service(org.id(), 18443, T0);
    store.insertService(s);
    store.updateService(s.withState(ServiceState.RUNNING, null));
    assertThatThrownBy(() -> store.updateService(s.withState(ServiceState.FAILED, "boom")))
        .isInstanceOf(StaleVersionException.class);
    assertThat(store.findService(s.id()).orElseThrow().state()).isEqualTo(ServiceState.RUNNING);
  }

  @Test
  void mutateServiceAppliesTheChange() {
    Service s = service(org.id(), 18443, T0);
    store.insertService(s);
    Service out = store.mutateService(s.id(), c -> c.withSpec(c.spec().withName("renamed")));
    assertThat(out.spec().name()).isEqualTo("renamed");
    assertThat(out.version()).isEqualTo(1);
    assertThat(store.findService(s.id())).contains(out);
  }

  @Test
  void mutateServiceWithoutChangeKeepsVersion() {
    Service s = service(org.id(), 18443, T0);
    store.insertService(s);
    assertThat(store.mutateService(s.id(), c -> c).version()).isZero();
  }

  @Test
  void updateOfDeletedServiceThrowsNoSuchElement() {
    Service s = service(org.id(), 18443, T0);
    store.insertService(s);
    store.deleteService(s.id());
    assertThat(store.findService(s.id())).isEmpty();
    assertThatThrownBy(() -> store.updateService(s.withState(ServiceState.RUNNING, null)))
        .isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> store.mutateService(s.id(), c -> c.withDesiredState(DesiredState.STOPPED)))
        .isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void twoServicesCannotShareHttpsPort() {
    store.insertService(service(org.id(), 18443, T0));
    Service clash = service(org.id(), 18443, T0);
    Service other = new Service(clash.id(), clash.organizationId(), clash.createdAt(), clash.spec(), clash.state(),
        clash.desiredState(), null, null, clash.credentials(), new ServicePorts(18443, 29999), 0);
    assertThatThrownBy(() -> store.insertService(other)).isInstanceOf(StoreException.class);
    assertThat(store.findService(other.id())).isEmpty();
  }

  @Test
  void dataSurvivesCloseAndReopen() {
    Service s = service(org.id(), 18443, T0);
    store.insertService(s);
    Service updated = store.updateService(s.withDesiredState(DesiredState.STOPPED));
    store.close();
    store = EmbeddedStore.open(dir);
    assertThat(store.findOrganization(org.id())).contains(org);
    assertThat(store.findService(s.id())).contains(updated);
  }

  @Test
  void listServicesFiltersByOrganizationOldestFirst() {
    Organization other = new Organization(UUID.randomUUID(), "other", T0, false);
    store.insertOrganization(other);
    Service newer = service(org.id(), 18444, T0.plusSeconds(60));
    Service older = service(org.id(), 18443, T0);
    Service foreign = service(other.id(), 18445, T0);
    store.insertService(newer);
    store.insertService(older);
    store.insertService(foreign);
    assertThat(store.listServices(org.id())).containsExactly(older, newer);
    assertThat(store.listServices(other.id())).containsExactly(foreign);
    assertThat(store.listAllServices()).hasSize(3);
  }
}
