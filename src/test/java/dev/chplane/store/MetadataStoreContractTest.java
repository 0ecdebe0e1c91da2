package dev.chplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chplane.domain.ApiKey;
import dev.chplane.domain.Backup;
import dev.chplane.domain.BackupConfiguration;
import dev.chplane.domain.BackupStatus;
import dev.chplane.domain.BackupType;
import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.Credentials;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.IpAccessEntry;
import dev.chplane.domain.Organization;
import dev.chplane.domain.PipeState;
import dev.chplane.domain.QueryEndpoint;
import dev.chplane.domain.Scaling;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServicePorts;
import dev.chplane.domain.ServiceSpec;
import dev.chplane.domain.ServiceState;
import dev.chplane.domain.Tag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MetadataStore} must do, whatever database is behind it. A subclass supplies the
 * store: {@link #openEmptyStore()} before each test, {@link #reopenStore()} to open the same
 * database again after {@link MetadataStore#close()}.
 */
abstract class MetadataStoreContractTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123Z");

  private MetadataStore store;
  private Organization org;

  /** A store on a database that holds no rows yet, telling {@code observer} of every write. */
  protected abstract MetadataStore openEmptyStore(WriteObserver observer);

  protected MetadataStore openEmptyStore() {
    return openEmptyStore(WriteObserver.NONE);
  }

  /** A new store on the database of the last {@link #openEmptyStore()}, which has been closed. */
  protected abstract MetadataStore reopenStore();

  @BeforeEach
  void open() {
    store = openEmptyStore();
    org = new Organization(UUID.randomUUID(), "acme", T0, true);
    store.insertOrganization(org);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Service service(UUID organizationId, int httpsPort, Instant createdAt) {
    ServiceSpec spec =
        new ServiceSpec(
            "svc-" + httpsPort,
            "aws",
            "eu-west-1",
            "production",
            List.of(new IpAccessEntry("10.0.0.0/8", "office"), new IpAccessEntry("0.0.0.0", "")),
            new Scaling("vertical", 8, 16, null, 1, 3, null, null, false, 30),
            "fast",
            false,
            null,
            true,
            List.of(new Tag("env", "prod"), new Tag("flag", null)),
            Boolean.FALSE,
            new BackupConfiguration(12, 48, "03:30"));
    return new Service(
        UUID.randomUUID(),
        organizationId,
        createdAt,
        spec,
        ServiceState.PROVISIONING,
        DesiredState.RUNNING,
        null,
        "24.8.4.13",
        new Credentials("aa".repeat(32), "bb".repeat(20)),
        new ServicePorts(httpsPort, httpsPort + 1000),
        0);
  }

  /**
   * A service's server ports live in its row outside the domain record: recording them keeps the
   * service's version, an update of the service keeps them, and every port a row holds is in use.
   */
  @Test
  void serverPortsAreKeptBesideTheServiceRecord() {
    Service s = service(org.id(), 18443, T0);
    store.insertService(s);
    assertThat(store.findServerPorts(s.id())).contains(ServerPorts.NONE);
    assertThat(store.findServerPorts(UUID.randomUUID())).isEmpty();

    store.recordServerPorts(s.id(), new ServerPorts(28443, 29440));
    assertThat(store.findService(s.id())).contains(s);
    store.mutateService(s.id(), x -> x.withClickhouseVersion("24.8.5.1"));

    assertThat(store.findServerPorts(s.id())).contains(new ServerPorts(28443, 29440));
    assertThat(store.portsInUse()).containsExactlyInAnyOrder(18443, 19443, 28443, 29440);
  }

  @Test
  void replicaPortsAreKeptPerReplicaAndGoWithTheReplicaOrTheService() {
    Service s = service(org.id(), 18443, T0);
    store.insertService(s);
    assertThat(store.findReplicaPorts(s.id())).isEmpty();

    store.recordReplicaPorts(s.id(), 0, new ReplicaServerPorts(20001, 20002, 20003, 20004));
    store.recordReplicaPorts(s.id(), 1, new ReplicaServerPorts(20011, 20012, 20013, 20014));
    store.recordReplicaPorts(s.id(), 0, new ReplicaServerPorts(20001, 20002, 20005, 20006));

    assertThat(store.findService(s.id())).contains(s);
    assertThat(store.findReplicaPorts(s.id()))
        .containsExactly(
            java.util.Map.entry(0, new ReplicaServerPorts(20001, 20002, 20005, 20006)),
            java.util.Map.entry(1, new ReplicaServerPorts(20011, 20012, 20013, 20014)));
    assertThat(store.portsInUse())
        .containsExactlyInAnyOrder(
            18443, 19443, 20001, 20002, 20005, 20006, 20011, 20012, 20013, 20014);

    store.forgetReplicaPorts(s.id(), 1);
    store.forgetReplicaPorts(s.id(), 7);
    assertThat(store.findReplicaPorts(s.id())).containsOnlyKeys(0);

    store.deleteService(s.id());
    assertThat(store.findReplicaPorts(s.id())).isEmpty();
    assertThat(store.portsInUse()).isEmpty();
  }

  /**
   * Every column of a backup row reads back into the field it was written from (distinct values
   * throughout).
   */
  @Test
  void backupRoundTripsEveryColumn() {
    Service s = service(org.id(), 18443, T0);
    store.insertService(s);
    Backup b =
        new Backup(
            UUID.randomUUID(),
            org.id(),
            s.id(),
            "eu-west-1",
            BackupStatus.ERROR,
            BackupType.INCREMENTAL,
            UUID.randomUUID(),
            T0.plusSeconds(1),
            T0.plusSeconds(2),
            12345,
            "svc-2026-03-01T101531-123Z",
            T0.plusSeconds(3),
            "disk full");
    store.inTransaction(
        tx -> {
          tx.insertBackup(b);
          return null;
        });
    assertThat(store.findBackup(b.id())).contains(b);
    assertThat(store.listBackups(s.id())).containsExactly(b);
  }

  /**
   * Every column of a pipe row reads back into the field it was written from (distinct values
   * throughout).
   */
  @Test
  void pipeRoundTripsEveryColumn() {
    Service s = service(org.id(), 18443, T0);
    store.insertService(s);
    ClickPipe p =
        new ClickPipe(
            UUID.randomUUID(),
            org.id(),
            s.id(),
            GoldenValues.pipeSpec(),
            "k1:sealed",
            PipeState.FAILED,
            DesiredState.STOPPED,
            "broker unreachable",
            T0.plusSeconds(1),
            T0.plusSeconds(2),
            0);
    store.inTransaction(
        tx -> {
          tx.insertPipe(p);
          return null;
        });
    assertThat(store.findPipe(p.id())).contains(p);
    assertThat(store.listPipes(s.id())).containsExactly(p);
  }

  @Test
  void organizationRoundTrips() {
    assertThat(store.findOrganization(org.id())).contains(org);
    assertThat(store.findOrganization(UUID.randomUUID())).isEmpty();
    assertThat(store.listOrganizations()).containsExactly(org);
  }

  @Test
  void apiKeyRoundTripsWithRolesAndNoExpiry() {
    ApiKey key =
        new ApiKey(
            UUID.randomUUID(),
            org.id(),
            "ci",
            "aa".repeat(32),
            "wxyz",
            "cc".repeat(32),
            List.of("admin", "developer"),
            "enabled",
            T0,
            null,
            null,
            List.of(new IpAccessEntry("10.0.0.0/8", "lan"), new IpAccessEntry("::1", "")),
            0);
    store.insertApiKey(key);
    assertThat(store.findApiKey(key.id())).contains(key);
    assertThat(store.findApiKeyByKeyIdHash("aa".repeat(32))).contains(key);
    assertThat(store.listApiKeys(org.id())).containsExactly(key);
  }

  @Test
  void apiKeyRoundTripsWithExpiryAndNoRoles() {
    ApiKey key =
        new ApiKey(
            UUID.randomUUID(),
            org.id(),
            "ro",
            "bb".repeat(32),
            "abcd",
            "dd".repeat(32),
            List.of(),
            "disabled",
            T0,
            T0.plusSeconds(3600),
            T0,
            List.of(),
            0);
    store.insertApiKey(key);
    assertThat(store.findApiKey(key.id())).contains(key);
  }

  @Test
  void apiKeyUpdateIsCompareAndSetAndDeleteRemovesIt() {
    ApiKey key =
        new ApiKey(
            UUID.randomUUID(),
            org.id(),
            "k",
            "ee".repeat(32),
            "abcd",
            "ff".repeat(32),
            List.of("admin"),
            "enabled",
            T0,
            null,
            null,
            List.of(),
            0);
    store.insertApiKey(key);
    ApiKey renamed =
        store.updateApiKey(
            key.withSettings("renamed", List.of("developer"), "disabled", T0, List.of()));
    assertThat(renamed.version()).isEqualTo(1);
    assertThat(store.findApiKey(key.id())).contains(renamed);
    assertThatThrownBy(() -> store.updateApiKey(key.withUsedAt(T0)))
        .isInstanceOf(StaleVersionException.class);
    store.inTransaction(
        tx -> {
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
    assertThatThrownBy(
            () -> store.mutateService(s.id(), c -> c.withDesiredState(DesiredState.STOPPED)))
        .isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void twoServicesCannotShareHttpsPort() {
    store.insertService(service(org.id(), 18443, T0));
    Service clash = service(org.id(), 18443, T0);
    Service other =
        new Service(
            clash.id(),
            clash.organizationId(),
            clash.createdAt(),
            clash.spec(),
            clash.state(),
            clash.desiredState(),
            null,
            null,
            clash.credentials(),
            new ServicePorts(18443, 29999),
            0);
    assertThatThrownBy(() -> store.insertService(other)).isInstanceOf(StoreException.class);
    assertThat(store.findService(other.id())).isEmpty();
  }

  @Test
  void everythingSurvivesCloseAndReopenWithItsVersion() {
    ApiKey key =
        new ApiKey(
            UUID.randomUUID(),
            org.id(),
            "k",
            "ab".repeat(32),
            "abcd",
            "cd".repeat(32),
            List.of("admin"),
            "enabled",
            T0,
            T0.plusSeconds(60),
            null,
            List.of(new IpAccessEntry("::1", "")),
            0);
    store.insertApiKey(key);
    ApiKey keyV1 = store.updateApiKey(key.withUsedAt(T0.plusSeconds(1)));
    Service s = service(org.id(), 18443, T0);
    store.insertService(s);
    Service v1 = store.updateService(s.withDesiredState(DesiredState.STOPPED));
    Service v2 = store.updateService(v1.withState(ServiceState.STOPPED, null));
    store.close();

    store = reopenStore();
    assertThat(store.listOrganizations()).containsExactly(org);
    assertThat(store.listApiKeys(org.id())).containsExactly(keyV1);
    assertThat(store.findService(s.id())).contains(v2);
    assertThat(v2.version()).isEqualTo(2);
    assertThatThrownBy(() -> store.updateService(v1.withState(ServiceState.FAILED, "stale")))
        .isInstanceOf(StaleVersionException.class);
    assertThat(store.updateService(v2.withDesiredState(DesiredState.RUNNING)).version())
        .isEqualTo(3);
  }

  @Test
  void concurrentMutationsOfOneServiceAreAllKept() throws Exception {
    int threads = 8;
    int changesPerThread = 25;
    Service s = service(org.id(), 18443, T0);
    store.insertService(s);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String writer = "w" + t;
        writers.add(
            pool.submit(
                (Callable<Void>)
                    () -> {
                      go.await();
                      for (int i = 0; i < changesPerThread; i++) {
                        String value = Integer.toString(i);
                        store.mutateService(
                            s.id(),
                            c ->
                                c.withSpec(
                                    c.spec()
                                        .withTags(
                                            append(c.spec().tags(), new Tag(writer, value)))));
                      }
                      return null;
                    }));
      }
      go.countDown();
      for (Future<?> w : writers) {
        w.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    Service after = store.findService(s.id()).orElseThrow();
    assertThat(after.version()).isEqualTo((long) threads * changesPerThread);
    List<Tag> added =
        after.spec().tags().subList(s.spec().tags().size(), after.spec().tags().size());
    assertThat(added).hasSize(threads * changesPerThread).doesNotHaveDuplicates();
    for (int t = 0; t < threads; t++) {
      String writer = "w" + t;
      // each writer's own changes land in the order it made them
      assertThat(added)
          .filteredOn(tag -> tag.key().equals(writer))
          .extracting(Tag::value)
          .containsExactlyElementsOf(
              IntStream.range(0, changesPerThread).mapToObj(Integer::toString).toList());
    }
  }

  private static List<Tag> append(List<Tag> tags, Tag tag) {
    List<Tag> out = new ArrayList<>(tags);
    out.add(tag);
    return out;
  }

  @Test
  void listServicesFiltersByOrganizationOldestFirst() {
    Organization other = new Organization(UUID.randomUUID(), "other", T0, false);
    store.insertOrganization(other);
    Service newer = service(org.id(), 18444, T0.plusSeconds(60));
    Service older = service(org.id(), 18443, T0);
    Service foreign = service(other.id(), 18445, T0.plusSeconds(30));
    store.insertService(newer);
    store.insertService(older);
    store.insertService(foreign);
    assertThat(store.listServices(org.id())).containsExactly(older, newer);
    assertThat(store.listServices(other.id())).containsExactly(foreign);
    assertThat(store.listAllServices()).containsExactly(older, foreign, newer);
  }

  @Test
  void listApiKeysFiltersByOrganizationAndFindsByKeyIdHash() {
    Organization other = new Organization(UUID.randomUUID(), "other", T0.plusSeconds(1), false);
    store.insertOrganization(other);
    ApiKey mine =
        new ApiKey(
            UUID.randomUUID(),
            org.id(),
            "mine",
            "01".repeat(32),
            "aaaa",
            "02".repeat(32),
            List.of("admin"),
            "enabled",
            T0,
            null,
            null,
            List.of(),
            0);
    ApiKey theirs =
        new ApiKey(
            UUID.randomUUID(),
            other.id(),
            "theirs",
            "03".repeat(32),
            "bbbb",
            "04".repeat(32),
            List.of("admin"),
            "enabled",
            T0,
            null,
            null,
            List.of(),
            0);
    store.insertApiKey(mine);
    store.insertApiKey(theirs);
    assertThat(store.listOrganizations()).containsExactly(org, other);
    assertThat(store.listApiKeys(org.id())).containsExactly(mine);
    assertThat(store.listApiKeys(other.id())).containsExactly(theirs);
    assertThat(store.findApiKeyByKeyIdHash("03".repeat(32))).contains(theirs);
    assertThat(store.findApiKeyByKeyIdHash("05".repeat(32))).isEmpty();
  }

  @Test
  void organizationUpdateIsStored() {
    Organization renamed = new Organization(org.id(), "renamed", org.createdAt(), false);
    store.inTransaction(
        tx -> {
          tx.updateOrganization(renamed);
          return null;
        });
    assertThat(store.findOrganization(org.id())).contains(renamed);
  }

  @Test
  void updateOfDeletedApiKeyThrowsNoSuchElement() {
    ApiKey key =
        new ApiKey(
            UUID.randomUUID(),
            org.id(),
            "k",
            "06".repeat(32),
            "abcd",
            "07".repeat(32),
            List.of("admin"),
            "enabled",
            T0,
            null,
            null,
            List.of(),
            0);
    store.insertApiKey(key);
    store.inTransaction(
        tx -> {
          tx.deleteApiKey(key.id());
          return null;
        });
    assertThatThrownBy(() -> store.updateApiKey(key.withUsedAt(T0)))
        .isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void twoServicesCannotShareNativePortAndDeleteOfMissingServiceIsANoOp() {
    store.insertService(service(org.id(), 18443, T0));
    Service clash = service(org.id(), 17000, T0);
    Service other =
        new Service(
            clash.id(),
            clash.organizationId(),
            clash.createdAt(),
            clash.spec(),
            clash.state(),
            clash.desiredState(),
            null,
            null,
            clash.credentials(),
            new ServicePorts(17000, 18443 + 1000),
            0);
    assertThatThrownBy(() -> store.insertService(other)).isInstanceOf(StoreException.class);
    store.deleteService(UUID.randomUUID());
    assertThat(store.listAllServices()).hasSize(1);
  }

  @Test
  void queryEndpointUpsertReplacesByServiceAndGoesWithItsService() {
    Service s = service(org.id(), 20100, T0);
    store.insertService(s);
    UUID key = UUID.randomUUID();
    QueryEndpoint first =
        new QueryEndpoint(
            UUID.randomUUID(),
            org.id(),
            s.id(),
            List.of(QueryEndpoint.READ_ONLY),
            List.of(key),
            "",
            T0,
            T0);
    store.inTransaction(
        tx -> {
          tx.upsertQueryEndpoint(first);
          return null;
        });
    assertThat(store.findQueryEndpoint(s.id())).contains(first);

    QueryEndpoint second =
        first.withSettings(
            List.of(QueryEndpoint.ADMIN, QueryEndpoint.READ_ONLY),
            List.of(key, UUID.randomUUID()),
            "https://a.example.com, b.example.com",
            T0.plusSeconds(5));
    store.inTransaction(
        tx -> {
          tx.upsertQueryEndpoint(second);
          return null;
        });
    assertThat(store.findQueryEndpoint(s.id())).contains(second);
    QueryEndpoint none =
        second.withSettings(List.of(QueryEndpoint.ADMIN), List.of(), "", T0.plusSeconds(6));
    store.inTransaction(
        tx -> {
          tx.upsertQueryEndpoint(none);
          return null;
        });
    assertThat(store.findQueryEndpoint(s.id())).contains(none);

    boolean deleted = store.inTransaction(tx -> tx.deleteQueryEndpoint(s.id()));
    assertThat(deleted).isTrue();
    assertThat(store.findQueryEndpoint(s.id())).isEmpty();
    boolean again = store.inTransaction(tx -> tx.deleteQueryEndpoint(s.id()));
    assertThat(again).isFalse();

    store.inTransaction(
        tx -> {
          tx.upsertQueryEndpoint(first);
          return null;
        });
    store.deleteService(s.id());
    assertThat(store.findQueryEndpoint(s.id())).as("deleted with its service").isEmpty();
  }
}
