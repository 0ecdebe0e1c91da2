package dev.chplane.reconcile;

import dev.chplane.domain.Activity;
import dev.chplane.domain.ActivityType;
import dev.chplane.domain.Actor;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServiceState;
import dev.chplane.store.MetadataStore;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler's writes of observed state. Each write applies only while the user still wants
 * what the step worked toward: a command that came meanwhile wins, and the next pass acts on it.
 */
final class ServiceStates {
  private static final Logger log = LoggerFactory.getLogger(ServiceStates.class);

  private final MetadataStore store;

  ServiceStates(MetadataStore store) {
    this.store = store;
  }

  MetadataStore store() {
    return store;
  }

  /** Writes the observed state, with {@code activity} (may be null) in the same transaction. */
  void set(
      UUID id, DesiredState expectedDesire, ServiceState state, String reason, Activity activity) {
    store.mutateService(
        id,
        current ->
            current.desiredState() == expectedDesire ? current.withState(state, reason) : current,
        (before, after) -> activity == null ? List.of() : List.of(activity));
  }

  /** Records an activity that comes with no change of the service itself. */
  void record(Activity activity) {
    store.inTransaction(
        tx -> {
          tx.record(activity);
          return null;
        });
  }

  /**
   * Marks the service failed with {@code reason}; the activity is recorded only when it becomes
   * failed, not again on each failed retry.
   */
  void failed(Service s, String reason, Actor actor) {
    store.mutateService(
        s.id(),
        current ->
            current.desiredState() == DesiredState.RUNNING
                ? current.withState(ServiceState.FAILED, reason)
                : current,
        (before, after) ->
            before.state() != ServiceState.FAILED && after.state() == ServiceState.FAILED
                ? List.of(actor.did(ActivityType.SERVICE_STOP, s.organizationId(), s.id()))
                : List.of());
  }

  /**
   * Marks the service up in {@code state} (derived from its replicas: {@code running}, {@code
   * partially_running} or {@code degraded}); {@code why}, when given, is recorded as a system
   * activity.
   */
  void running(UUID id, ServiceState state, String version, String why) {
    store.mutateService(
        id,
        current ->
            current.desiredState() == DesiredState.RUNNING
                ? current.withState(state, null).withClickhouseVersion(version)
                : current,
        (before, after) ->
            why == null
                ? List.of()
                : List.of(
                    Actor.system(why)
                        .did(ActivityType.SERVICE_RUNNING, after.organizationId(), id)));
    log.info("service {} is {} with ClickHouse {}", id, state.wire(), version);
  }

  /**
   * Writes the state derived from the replicas of a service that is up, while it is still {@code
   * expected} and the user still wants it running (a command or another writer that came meanwhile
   * wins). Returns the state the service has now.
   */
  ServiceState rederived(UUID id, ServiceState expected, ServiceState derived) {
    Service after =
        store.mutateService(
            id,
            current ->
                current.desiredState() == DesiredState.RUNNING
                        && !current.goingIdle()
                        && current.state() == expected
                    ? current.withState(derived, null)
                    : current);
    if (after.state() == derived && expected != derived) {
      log.info("service {} is {}: what its replicas report changed", id, derived.wire());
    }
    return after.state();
  }
}
