package dev.chplane.domain;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The rules of warehouses (compute-compute separation): a primary service and the secondaries
 * created with {@code dataWarehouseId} naming it. A secondary's servers are further replicas of the
 * primary's replicated tables, so it must live where the primary lives (same provider and region),
 * and the primary, which holds the warehouse's ZooKeeper root, outlives its secondaries.
 */
public final class Warehouse {
  /** The request field that names the warehouse. */
  public static final String FIELD = "dataWarehouseId";

  private Warehouse() {}

  /**
   * Checks that a new service of {@code organizationId} configured as {@code requested} (whose
   * {@code dataWarehouseId} is set) may join the warehouse of {@code named}, the service that id
   * names (empty: none has it).
   *
   * @throws DomainException.InvalidInput naming {@value #FIELD} and the rule it breaks
   */
  public static void requireJoinable(
      UUID organizationId, ServiceSpec requested, Optional<Service> named) {
    String id = requested.dataWarehouseId();
    Service primary =
        named
            .filter(s -> s.organizationId().equals(organizationId))
            .orElseThrow(
                () ->
                    DomainException.invalidInput(
                        FIELD,
                        "no service "
                            + id
                            + " in organization "
                            + organizationId
                            + " (it must name the primary service of a warehouse)"));
    if (!primary.isPrimary()) {
      throw DomainException.invalidInput(
          FIELD,
          "service "
              + id
              + " is itself a secondary of warehouse "
              + primary.warehouseId()
              + "; name the warehouse's primary service, "
              + primary.warehouseId());
    }
    if (primary.desiredState() == DesiredState.DELETED) {
      throw DomainException.invalidInput(FIELD, "service " + id + " is being deleted");
    }
    if (!primary.spec().provider().equals(requested.provider())) {
      throw DomainException.invalidInput(
          FIELD,
          "a secondary service runs with its primary's provider '"
              + primary.spec().provider()
              + "', not '"
              + requested.provider()
              + "'");
    }
    if (!primary.spec().region().equals(requested.region())) {
      throw DomainException.invalidInput(
          FIELD,
          "a secondary service runs in its primary's region '"
              + primary.spec().region()
              + "', not '"
              + requested.region()
              + "'");
    }
    if (requested.restoreFrom() != null) {
      throw DomainException.invalidInput(
          FIELD,
          "a secondary service holds its warehouse's data and cannot also start from a backup"
              + " (backupId); restore into the primary or into a new primary");
    }
  }

  /** The secondaries of {@code primary} among {@code services} (any state, oldest first). */
  public static List<Service> secondariesOf(Service primary, List<Service> services) {
    String id = primary.id().toString();
    return services.stream().filter(s -> id.equals(s.spec().dataWarehouseId())).toList();
  }

  /**
   * Refuses to delete a primary while secondaries of it exist: they replicate through the
   * warehouse's ZooKeeper paths, which the primary's removal deletes.
   *
   * @throws DomainException.InvalidInput naming the secondaries
   */
  public static void requireNoSecondaries(Service primary, List<Service> secondaries) {
    if (secondaries.isEmpty()) {
      return;
    }
    throw DomainException.invalidInput(
        "service "
            + primary.id()
            + " is the primary of a warehouse that still has secondary services: "
            + secondaries.stream()
                .map(s -> s.id() + " (" + s.spec().name() + ", " + s.state().wire() + ")")
                .collect(Collectors.joining(", "))
            + "; delete them first");
  }
}
