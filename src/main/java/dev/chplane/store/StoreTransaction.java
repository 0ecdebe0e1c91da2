package dev.chplane.store;

import dev.chplane.domain.Activity;
import dev.chplane.domain.ApiKey;
import dev.chplane.domain.Backup;
import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.Organization;
import dev.chplane.domain.QueryEndpoint;
import dev.chplane.domain.Service;
import java.util.Optional;
import java.util.UUID;

/**
 * The writes of one store transaction: all of them are stored, or none. A change and the {@link
 * Activity} that records it are written through the same transaction, so neither can exist without
 * the other. Valid only inside {@link MetadataStore#inTransaction}.
 */
public interface StoreTransaction {

  void insertOrganization(Organization organization);

  void updateOrganization(Organization organization);

  void insertApiKey(ApiKey key);

  /** Compare-and-set on {@link ApiKey#version()}; see {@link MetadataStore#updateApiKey}. */
  ApiKey updateApiKey(ApiKey key);

  void deleteApiKey(UUID id);

  void insertService(Service service);

  /** Compare-and-set on {@link Service#version()}; see {@link MetadataStore#updateService}. */
  Service updateService(Service service);

  void deleteService(UUID id);

  void insertBackup(Backup backup);

  /** Replaces the stored copy of a backup (only its runner writes it, so no version check). */
  void updateBackup(Backup backup);

  void deleteBackup(UUID id);

  void insertPipe(ClickPipe pipe);

  /** Compare-and-set on {@link ClickPipe#version()}, like {@link #updateService}. */
  ClickPipe updatePipe(ClickPipe pipe);

  void deletePipe(UUID id);

  /**
   * Records the ports of a service's server (see {@link MetadataStore#findServerPorts}); the
   * service's version does not change.
   */
  void recordServerPorts(UUID serviceId, ServerPorts ports);

  /**
   * Records (or replaces) the ports of one replica of a service (see {@link
   * MetadataStore#findReplicaPorts}); the service's version does not change.
   */
  void recordReplicaPorts(UUID serviceId, int replica, ReplicaServerPorts ports);

  /** Forgets the ports of one replica of a service; a no-op if it has none. */
  void forgetReplicaPorts(UUID serviceId, int replica);

  /**
   * Sets a position of a pipe's source (see {@link MetadataStore#pipePositions}); {@code value}
   * null removes it. Positions go with their pipe when it is deleted.
   */
  void putPipePosition(UUID pipeId, String key, String value, java.time.Instant at);

  /** Stores a service's query endpoint, replacing the one it has (matched by service id). */
  void upsertQueryEndpoint(QueryEndpoint endpoint);

  /** Removes a service's query endpoint; false if it had none. */
  boolean deleteQueryEndpoint(UUID serviceId);

  /** Appends an activity to its organization's log. */
  void record(Activity activity);

  /** Reads a service as this transaction sees it. */
  Optional<Service> findService(UUID id);
}
