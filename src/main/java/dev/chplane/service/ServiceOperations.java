package dev.chplane.service;

import dev.chplane.backup.BackupService;
import dev.chplane.domain.Activity;
import dev.chplane.domain.ActivityType;
import dev.chplane.domain.Actor;
import dev.chplane.domain.Credentials;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.DomainException;
import dev.chplane.domain.Scaling;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServiceChanges;
import dev.chplane.domain.ServicePorts;
import dev.chplane.domain.ServiceSpec;
import dev.chplane.domain.ServiceState;
import dev.chplane.domain.Warehouse;
import dev.chplane.provision.EndpointPorts;
import dev.chplane.reconcile.IdleScaler;
import dev.chplane.reconcile.ReconcileLoop;
import dev.chplane.security.Hashes;
import dev.chplane.security.Secrets;
import dev.chplane.store.MetadataStore;
import dev.chplane.store.StaleVersionException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service use cases behind the API: each checks the request against the stored service, stores
 * the user's wish, and asks the reconciler to act on it. Nothing here runs ClickHouse itself.
 */
public final class ServiceOperations {
  private static final Logger log = LoggerFactory.getLogger(ServiceOperations.class);
  private static final Duration APPLY_WAIT = Duration.ofSeconds(15);

  private final MetadataStore store;
  private final ReconcileLoop loop;
  private final Secrets secrets;
  private final EndpointPorts ports;
  private final BackupService backups;
  private final IdleScaler idle;
  private final ScaleUpCheck scaleUp;

  /**
   * @param ports the installation's one port allocator, for the new service's endpoints
   */
  public ServiceOperations(
      MetadataStore store,
      ReconcileLoop loop,
      Secrets secrets,
      EndpointPorts ports,
      BackupService backups,
      IdleScaler idle) {
    this(store, loop, secrets, ports, backups, idle, ScaleUpCheck.none());
  }

  /**
   * @param ports the installation's one port allocator, for the new service's endpoints
   * @param scaleUp refuses a scale-up from one replica while a table cannot be replicated
   */
  public ServiceOperations(
      MetadataStore store,
      ReconcileLoop loop,
      Secrets secrets,
      EndpointPorts ports,
      BackupService backups,
      IdleScaler idle,
      ScaleUpCheck scaleUp) {
    this.scaleUp = scaleUp;
    this.store = store;
    this.loop = loop;
    this.secrets = secrets;
    this.ports = ports;
    this.backups = backups;
    this.idle = idle;
  }

  /** A new service and its generated password (returned once, never stored). */
  public record Created(Service service, String password) {}

  public Created create(Actor actor, UUID organizationId, ServiceSpec spec) {
    if (spec.restoreFrom() != null) {
      backups.restorable(organizationId, spec.restoreFrom(), spec.region());
    }
    String password = secrets.password();
    Credentials credentials =
        new Credentials(Hashes.sha256Hex(password), Hashes.doubleSha1Hex(password));
    // the server's own ports are the provisioner's: it assigns them when it first configures the
    // server
    ServicePorts endpoints = ports.allocateEndpoints();
    Service service =
        new Service(
            UUID.randomUUID(),
            organizationId,
            Instant.now().truncatedTo(ChronoUnit.MILLIS),
            spec,
            ServiceState.PROVISIONING,
            DesiredState.RUNNING,
            null,
            null,
            credentials,
            endpoints,
            0);
    insertNew(actor, service);
    log.info(
        "service {} ({}) created{}; provisioning",
        service.id(),
        spec.name(),
        service.isPrimary() ? "" : " as a secondary of warehouse " + service.warehouseId());
    loop.trigger(service.id());
    return new Created(service, password);
  }

  /**
   * Stores a new service. A secondary is checked against its primary inside the transaction, and
   * the primary's row is written too (its version moves), so that a concurrent delete of the
   * primary either sees the new secondary or makes this insert fail and retry.
   */
  private void insertNew(Actor actor, Service service) {
    for (int attempt = 1; ; attempt++) {
      try {
        store.inTransaction(
            tx -> {
              if (!service.isPrimary()) {
                Optional<Service> primary = tx.findService(service.warehouseId());
                Warehouse.requireJoinable(service.organizationId(), service.spec(), primary);
                tx.updateService(primary.orElseThrow());
              }
              tx.insertService(service);
              tx.record(
                  actor.did(ActivityType.SERVICE_CREATE, service.organizationId(), service.id()));
              return null;
            });
        return;
      } catch (StaleVersionException e) {
        if (attempt == 5) {
          throw DomainException.conflict(
              "dataWarehouseId: service "
                  + service.warehouseId()
                  + " changed while this service was created; try again");
        }
      }
    }
  }

  public List<Service> list(UUID organizationId) {
    return store.listServices(organizationId);
  }

  public Service get(UUID organizationId, UUID id) {
    return store
        .findService(id)
        .filter(s -> s.organizationId().equals(organizationId))
        .orElseThrow(
            () ->
                DomainException.notFound(
                    "service " + id + " does not exist in organization " + organizationId));
  }

  /**
   * Refuses {@code next} (a 400 naming the tables) when it would take the service from one replica
   * to several while some of its tables cannot be replicated; checked before the change is stored.
   */
  public void checkScaling(UUID organizationId, UUID id, Scaling next) {
    scaleUp.check(get(organizationId, id), next);
  }

  /** Changes what the user configured; waits briefly until a running server has applied it. */
  public Service updateSpec(
      Actor actor, UUID organizationId, UUID id, UnaryOperator<ServiceSpec> change) {
    get(organizationId, id);
    Service updated = mutate(actor, id, s -> s.withSpec(change.apply(s.spec())));
    return awaitApplied(updated);
  }

  public Service changeState(Actor actor, UUID organizationId, UUID id, String command) {
    Service current = get(organizationId, id);
    Service updated =
        switch (command) {
          case "start" ->
              mutate(
                  actor,
                  ActivityType.SERVICE_START,
                  id,
                  s -> {
                    requireNotDeleted(s);
                    return switch (s.state()) {
                      case STOPPED, STOPPING, FAILED ->
                          s.withDesiredState(DesiredState.RUNNING)
                              .withState(ServiceState.STARTING, null);
                      default -> s.withDesiredState(DesiredState.RUNNING);
                    };
                  });
          case "stop" ->
              mutate(
                  actor,
                  ActivityType.SERVICE_STOP,
                  id,
                  s -> {
                    requireNotDeleted(s);
                    return s.state() == ServiceState.STOPPED
                        ? s.withDesiredState(DesiredState.STOPPED)
                        : s.withDesiredState(DesiredState.STOPPED)
                            .withState(ServiceState.STOPPING, s.failureReason());
                  });
          case "awake" -> {
            if (current.wakeable() || current.state() == ServiceState.AWAKING) {
              yield idle.wake(id, actor);
            }
            if (!current.state().servesQueries()) {
              throw DomainException.invalidInput(
                  "command: 'awake' wakes an idle service; this one is "
                      + current.state().wire()
                      + " (use 'start' for a stopped service)");
            }
            yield current;
          }
          default ->
              throw DomainException.invalidInput("command: must be one of start, stop, awake");
        };
    log.info("service {} ({}): {} requested", id, updated.spec().name(), command);
    loop.trigger(id);
    return updated;
  }

  public Service updateCredentials(
      Actor actor, UUID organizationId, UUID id, Credentials credentials) {
    Service current = get(organizationId, id);
    requireUsable(current);
    Service updated = mutate(actor, id, s -> s.withCredentials(credentials));
    log.info("service {} ({}): password changed", id, updated.spec().name());
    return awaitApplied(updated);
  }

  public void delete(Actor actor, UUID organizationId, UUID id) {
    get(organizationId, id);
    Service updated =
        mutate(
            actor,
            ActivityType.SERVICE_DELETE,
            id,
            s -> {
              if (s.desiredState() == DesiredState.DELETED) {
                return s;
              }
              if (s.isPrimary()) {
                Warehouse.requireNoSecondaries(
                    s, Warehouse.secondariesOf(s, store.listServices(s.organizationId())));
              }
              if (s.state() != ServiceState.STOPPED) {
                throw DomainException.conflict(
                    "service "
                        + id
                        + " must be stopped before it is deleted; its state is "
                        + s.state().wire()
                        + " (send {\"command\":\"stop\"} to .../state first)");
              }
              return s.withDesiredState(DesiredState.DELETED)
                  .withState(ServiceState.TERMINATING, null);
            });
    log.info("service {} ({}): delete requested", id, updated.spec().name());
    await(id);
  }

  /** A failed service refuses changes that must reach its server, with the reason it failed. */
  private static void requireUsable(Service s) {
    if (s.state() == ServiceState.FAILED) {
      throw DomainException.conflict(
          "service "
              + s.id()
              + " is failed: "
              + s.failureReason()
              + ". Send {\"command\":\"start\"} to .../state to try again.");
    }
  }

  private static void requireNotDeleted(Service s) {
    if (s.desiredState() == DesiredState.DELETED) {
      throw DomainException.conflict("service " + s.id() + " is being deleted");
    }
  }

  /** A configuration change, recorded under the activity types its differences fall under. */
  private Service mutate(Actor actor, UUID id, UnaryOperator<Service> change) {
    return mutate(
        id,
        change,
        (before, after) ->
            ServiceChanges.between(before, after).stream()
                .map(type -> actor.did(type, after.organizationId(), id))
                .toList());
  }

  /** A change recorded as one activity of {@code type}, whenever it changes anything. */
  private Service mutate(Actor actor, ActivityType type, UUID id, UnaryOperator<Service> change) {
    return mutate(
        id, change, (before, after) -> List.of(actor.did(type, after.organizationId(), id)));
  }

  private Service mutate(
      UUID id, UnaryOperator<Service> change, BiFunction<Service, Service, List<Activity>> audit) {
    try {
      return store.mutateService(id, change, audit);
    } catch (NoSuchElementException e) {
      throw DomainException.notFound("service " + id + " does not exist");
    }
  }

  private Service awaitApplied(Service updated) {
    if (updated.state().servesQueries()) {
      await(updated.id());
      return store.findService(updated.id()).orElse(updated);
    }
    loop.trigger(updated.id());
    return updated;
  }

  private void await(UUID id) {
    try {
      loop.trigger(id).get(APPLY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.info(
          "service {}: change not applied within {} s; it goes on in the background",
          id,
          APPLY_WAIT.toSeconds());
    } catch (ExecutionException e) {
      log.warn("service {}: applying the change failed: {}", id, e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
