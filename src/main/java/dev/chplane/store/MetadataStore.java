package dev.chplane.store;

import dev.chplane.domain.Activity;
import dev.chplane.domain.ApiKey;
import dev.chplane.domain.Backup;
import dev.chplane.domain.BackupStatus;
import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.Organization;
import dev.chplane.domain.QueryEndpoint;
import dev.chplane.domain.Service;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * Where chplane keeps its metadata. Every method is atomic and safe to call from any thread; {@link
 * #inTransaction} makes several writes atomic together. Updates of services and keys are
 * compare-and-set on their {@code version}: a write made from a stale copy fails with {@link
 * StaleVersionException} instead of overwriting a change it has not seen.
 */
public interface MetadataStore extends AutoCloseable {

  /** Work done inside one transaction. */
  @FunctionalInterface
  interface TransactionWork<T> {
    T run(StoreTransaction tx);
  }

  /**
   * Runs {@code work} in one transaction: commits if it returns, rolls back everything if it throws
   * (and rethrows).
   */
  <T> T inTransaction(TransactionWork<T> work);

  Optional<Organization> findOrganization(UUID id);

  List<Organization> listOrganizations();

  Optional<ApiKey> findApiKey(UUID id);

  /** The key whose credential key id has this SHA-256 (hex), as a caller presents it. */
  Optional<ApiKey> findApiKeyByKeyIdHash(String keyIdSha256Hex);

  /** The keys of one organization, oldest first. */
  List<ApiKey> listApiKeys(UUID organizationId);

  Optional<Service> findService(UUID id);

  /** The services of one organization, oldest first. */
  List<Service> listServices(UUID organizationId);

  /** Every service of every organization, oldest first. */
  List<Service> listAllServices();

  /** An organization's activities created in [from, to] (either may be null), newest first. */
  List<Activity> listActivities(UUID organizationId, Instant from, Instant to);

  Optional<Activity> findActivity(UUID organizationId, UUID id);

  Optional<Backup> findBackup(UUID id);

  /** The backups of one service, newest first. */
  List<Backup> listBackups(UUID serviceId);

  /** Every backup in the given state, of every service, oldest first. */
  List<Backup> listBackups(BackupStatus status);

  Optional<ClickPipe> findPipe(UUID id);

  /** The pipes of one service, oldest first. */
  List<ClickPipe> listPipes(UUID serviceId);

  /** Every pipe of every service, oldest first. */
  List<ClickPipe> listAllPipes();

  /**
   * The positions kept for a pipe's source by chplane (those the source cannot keep itself), by the
   * keys the source chose; empty when none were stored.
   */
  java.util.Map<String, String> pipePositions(UUID pipeId);

  /**
   * The ports the local provisioner recorded for a service's server ({@link ServerPorts#NONE} when
   * none yet); empty for an unknown service. Kept in the service's row, outside the domain record.
   */
  Optional<ServerPorts> findServerPorts(UUID serviceId);

  /**
   * Every port a service holds: public endpoint ports and the recorded ports of its servers (its
   * row's and its replicas').
   */
  java.util.Set<Integer> portsInUse();

  /**
   * The ports the local provisioner recorded for each replica of a service, by replica index; empty
   * for a service with none (or an unknown one).
   */
  java.util.SortedMap<Integer, ReplicaServerPorts> findReplicaPorts(UUID serviceId);

  /** Records (or replaces) the ports of one replica of a service. */
  default void recordReplicaPorts(UUID serviceId, int replica, ReplicaServerPorts ports) {
    inTransaction(
        tx -> {
          tx.recordReplicaPorts(serviceId, replica, ports);
          return null;
        });
  }

  /** Forgets the ports of one replica of a service (it was removed); a no-op if it has none. */
  default void forgetReplicaPorts(UUID serviceId, int replica) {
    inTransaction(
        tx -> {
          tx.forgetReplicaPorts(serviceId, replica);
          return null;
        });
  }

  /** Records the ports of a service's server (see {@link #findServerPorts}). */
  default void recordServerPorts(UUID serviceId, ServerPorts ports) {
    inTransaction(
        tx -> {
          tx.recordServerPorts(serviceId, ports);
          return null;
        });
  }

  /** The query endpoint of a service, if it has one. */
  Optional<QueryEndpoint> findQueryEndpoint(UUID serviceId);

  /**
   * Reads a pipe, applies {@code change} and stores the result with the activities {@code audit}
   * derives, retrying on a concurrent write; like {@link #mutateService}.
   *
   * @throws java.util.NoSuchElementException if the pipe is gone
   */
  default ClickPipe mutatePipe(
      UUID id,
      UnaryOperator<ClickPipe> change,
      BiFunction<ClickPipe, ClickPipe, List<Activity>> audit) {
    while (true) {
      ClickPipe current = findPipe(id).orElseThrow();
      ClickPipe changed = change.apply(current);
      if (changed.equals(current)) {
        return current;
      }
      try {
        return inTransaction(
            tx -> {
              ClickPipe stored = tx.updatePipe(changed.withVersion(current.version()));
              audit.apply(current, stored).forEach(tx::record);
              return stored;
            });
      } catch (StaleVersionException e) {
        // another writer came first: read its copy and apply the change again
      }
    }
  }

  default void insertOrganization(Organization organization) {
    inTransaction(
        tx -> {
          tx.insertOrganization(organization);
          return null;
        });
  }

  default void insertApiKey(ApiKey key) {
    inTransaction(
        tx -> {
          tx.insertApiKey(key);
          return null;
        });
  }

  /**
   * Stores {@code key} if the stored copy still has {@code key.version()}; returns it with the next
   * version.
   *
   * @throws StaleVersionException if another write came first
   * @throws java.util.NoSuchElementException if the key is gone
   */
  default ApiKey updateApiKey(ApiKey key) {
    return inTransaction(tx -> tx.updateApiKey(key));
  }

  /** Stores a new service; its ports must not be used by another service. */
  default void insertService(Service service) {
    inTransaction(
        tx -> {
          tx.insertService(service);
          return null;
        });
  }

  /**
   * Stores {@code service} if the stored copy still has {@code service.version()}, and returns it
   * with the next version.
   *
   * @throws StaleVersionException if another write came first
   * @throws java.util.NoSuchElementException if the service is gone
   */
  default Service updateService(Service service) {
    return inTransaction(tx -> tx.updateService(service));
  }

  /** Removes a service; a no-op if it is gone already. */
  default void deleteService(UUID id) {
    inTransaction(
        tx -> {
          tx.deleteService(id);
          return null;
        });
  }

  /** Reads a service, applies {@code change} and stores the result; see the three-argument form. */
  default Service mutateService(UUID id, UnaryOperator<Service> change) {
    return mutateService(id, change, (before, after) -> List.of());
  }

  /**
   * Reads a service, applies {@code change} and stores the result together with the activities
   * {@code audit} derives from the copy before and after, retrying on a concurrent write. {@code
   * change} and {@code audit} may run more than once and must have no side effects. Nothing is
   * written when the change changes nothing.
   *
   * @throws java.util.NoSuchElementException if the service is gone
   */
  default Service mutateService(
      UUID id, UnaryOperator<Service> change, BiFunction<Service, Service, List<Activity>> audit) {
    while (true) {
      Service current = findService(id).orElseThrow();
      Service changed = change.apply(current);
      if (changed.equals(current)) {
        return current;
      }
      try {
        return inTransaction(
            tx -> {
              Service stored = tx.updateService(changed.withVersion(current.version()));
              audit.apply(current, stored).forEach(tx::record);
              return stored;
            });
      } catch (StaleVersionException e) {
        // another writer came first: read its copy and apply the change again
      }
    }
  }

  @Override
  void close();
}
