package dev.chplane.store;

import dev.chplane.domain.ApiKey;
import dev.chplane.domain.Organization;
import dev.chplane.domain.Service;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Where chplane keeps its metadata. Every method is atomic and safe to call from any thread. Writes
 * to a service are compare-and-set on {@link Service#version()}: {@link #updateService} stores the
 * given copy only if the stored version is still the one it was read at, so two writers never
 * overwrite each other's change unseen.
 */
public interface MetadataStore extends AutoCloseable {

  void insertOrganization(Organization organization);

  Optional<Organization> findOrganization(UUID id);

  List<Organization> listOrganizations();

  void insertApiKey(ApiKey key);

  Optional<ApiKey> findApiKey(UUID id);

  /** The key whose credential key id has this SHA-256 (hex), as a caller presents it. */
  Optional<ApiKey> findApiKeyByKeyIdHash(String keyIdSha256Hex);

  /** The keys of one organization, oldest first. */
  List<ApiKey> listApiKeys(UUID organizationId);

  /**
   * Stores {@code key} if the stored copy still has {@code key.version()}; returns it with the next version.
   *
   * @throws StaleVersionException if another write came first
   * @throws java.util.NoSuchElementException if the key is gone
   */
  ApiKey updateApiKey(ApiKey key);

  void deleteApiKey(UUID id);

  /** Renames the organization or changes its settings. */
  void updateOrganization(Organization organization);

  /** Stores a new service; its ports must not be used by another service. */
  void insertService(Service service);

  Optional<Service> findService(UUID id);

  /** The services of one organization, oldest first. */
  List<Service> listServices(UUID organizationId);

  /** Every service of every organization, oldest first. */
  List<Service> listAllServices();

  /**
   * Stores {@code service} if the stored copy still has {@code service.version()}, and returns it
   * with the next version.
   *
   * @throws StaleVersionException if another write came first
   * @throws java.util.NoSuchElementException if the service is gone
   */
  Service updateService(Service service);

  /** Removes a service; a no-op if it is gone already. */
  void deleteService(UUID id);

  /**
   * Reads a service, applies {@code change} and stores the result, retrying on a concurrent write.
   * {@code change} may run more than once and must have no side effects.
   *
   * @throws java.util.NoSuchElementException if the service is gone
   */
  default Service mutateService(UUID id, UnaryOperator<Service> change) {
    while (true) {
      Service current = findService(id).orElseThrow();
      Service changed = change.apply(current);
      if (changed.equals(current)) {
        return current;
      }
      try {
        return updateService(changed.withVersion(current.version()));
      } catch (StaleVersionException e) {
        // another writer came first: read its copy and apply the change again
      }
    }
  }

  @Override
  void close();
}
