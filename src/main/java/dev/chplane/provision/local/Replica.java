package dev.chplane.provision.local;

import java.util.UUID;

/**
 * One replica of a service: index 0 for the first. Its name (macro {@code replica}, its entry under
 * a replicated table's {@code replicas} in ZooKeeper) is unique in the warehouse.
 */
record Replica(UUID serviceId, int index) {
  String name() {
    return serviceId + "-" + index;
  }
}
