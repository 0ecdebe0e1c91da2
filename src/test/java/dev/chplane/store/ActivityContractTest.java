package dev.chplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chplane.domain.Activity;
import dev.chplane.domain.ActivityType;
import dev.chplane.domain.Actor;
import dev.chplane.domain.BackupConfiguration;
import dev.chplane.domain.Credentials;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Organization;
import dev.chplane.domain.Scaling;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServicePorts;
import dev.chplane.domain.ServiceSpec;
import dev.chplane.domain.ServiceState;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every store must do for the activity log: a change and its activity are stored together or
 * not at all, and activities read back newest first within a date range. Subclasses supply the
 * store.
 */
abstract class ActivityContractTest {
  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  private final AtomicReference<String> failAfter = new AtomicReference<>();
  private MetadataStore store;
  private Organization org;
  private Service service;

  /** A store on an empty database, telling {@code observer} of every write. */
  protected abstract MetadataStore openEmptyStore(WriteObserver observer);

  @BeforeEach
  void open() {
    store =
        openEmptyStore(
            table -> {
              if (table.equals(failAfter.get())) {
                throw new IllegalStateException("injected failure after writing " + table);
              }
            });
    org = new Organization(UUID.randomUUID(), "o", T0, false);
    store.insertOrganization(org);
    ServiceSpec spec =
        new ServiceSpec(
            "before",
            "aws",
            "us-east-1",
            null,
            List.of(),
            Scaling.defaults(),
            null,
            false,
            null,
            false,
            List.of(),
            null,
            BackupConfiguration.defaults());
    service =
        new Service(
            UUID.randomUUID(),
            org.id(),
            T0,
            spec,
            ServiceState.RUNNING,
            DesiredState.RUNNING,
            null,
            null,
            new Credentials("ab".repeat(32), null),
            new ServicePorts(20001, 20002),
            0);
    store.insertService(service);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Service rename() {
    Actor actor = Actor.system("test");
    return store.mutateService(
        service.id(),
        s -> s.withSpec(s.spec().withName("after")),
        (before, after) ->
            List.of(actor.did(ActivityType.SERVICE_UPDATE_NAME, org.id(), service.id())));
  }

  @ParameterizedTest
  @ValueSource(strings = {"services", "activities"})
  void aFailureAfterEitherWriteLeavesNeitherBehind(String table) {
    failAfter.set(table);
    assertThatThrownBy(this::rename)
        .hasMessageContaining("injected failure after writing " + table);
    assertThat(store.findService(service.id()).orElseThrow().spec().name()).isEqualTo("before");
    assertThat(store.findService(service.id()).orElseThrow().version()).isZero();
    assertThat(store.listActivities(org.id(), null, null)).isEmpty();
  }

  @Test
  void withoutAFailureBothAreStored() {
    rename();
    assertThat(store.findService(service.id()).orElseThrow().spec().name()).isEqualTo("after");
    Activity stored = store.listActivities(org.id(), null, null).get(0);
    assertThat(stored.type()).isEqualTo(ActivityType.SERVICE_UPDATE_NAME);
    assertThat(store.findActivity(org.id(), stored.id())).contains(stored);
    assertThat(store.findActivity(UUID.randomUUID(), stored.id())).isEmpty();
  }

  @Test
  void activitiesAreListedNewestFirstWithinTheDateRange() {
    Actor actor = Actor.system("test");
    store.inTransaction(
        tx -> {
          tx.record(
              new Activity(
                  UUID.randomUUID(),
                  T0,
                  ActivityType.SERVICE_START,
                  "system",
                  null,
                  null,
                  null,
                  null,
                  org.id(),
                  service.id(),
                  null,
                  null));
          tx.record(
              new Activity(
                  UUID.randomUUID(),
                  T0.plusSeconds(60),
                  ActivityType.SERVICE_STOP,
                  "api",
                  "key",
                  "details",
                  "127.0.0.1",
                  "agent",
                  org.id(),
                  service.id(),
                  UUID.randomUUID(),
                  "created"));
          tx.record(actor.did(ActivityType.SERVICE_DELETE, org.id(), service.id()));
          return null;
        });
    assertThat(store.listActivities(org.id(), null, null))
        .extracting(Activity::type)
        .containsExactly(
            ActivityType.SERVICE_DELETE, ActivityType.SERVICE_STOP, ActivityType.SERVICE_START);
    assertThat(store.listActivities(org.id(), T0.plusSeconds(1), T0.plusSeconds(120)))
        .extracting(Activity::type)
        .containsExactly(ActivityType.SERVICE_STOP);
    assertThat(store.listActivities(UUID.randomUUID(), null, null)).isEmpty();
  }
}
