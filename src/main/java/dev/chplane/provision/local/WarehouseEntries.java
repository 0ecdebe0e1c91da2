package dev.chplane.provision.local;

import dev.chplane.provision.ProvisionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The entries one service's replicas hold in its warehouse's ZooKeeper tree. The services of a
 * warehouse share the tree, so a secondary that goes away removes only its own replicas' entries
 * under each replicated table's {@code replicas} node and leaves the tables' paths, which the other
 * services still use. Found by walking the tree rather than by asking a server: a service is
 * stopped when it is removed.
 */
final class WarehouseEntries {
  /** The children that mark a node as a replicated table's path (18.16 and later). */
  private static final Set<String> TABLE_MARKERS = Set.of("replicas", "log");

  /** Distributed DDL tasks: many nodes, no tables. */
  private static final String DDL_QUEUE = "task_queue";

  /** Deeper than any table path macros make ({@code /clickhouse/tables/{shard}/{db}/{table}}). */
  private static final int MAX_DEPTH = 12;

  private WarehouseEntries() {}

  /**
   * Deletes under {@code root} (absolute) every replica entry whose name {@code ours} accepts, in
   * every replicated table's path. Returns the entries deleted (absolute paths).
   */
  static List<String> deleteReplicas(Coordination zookeeper, String root, Predicate<String> ours)
      throws ProvisionException {
    List<String> deleted = new ArrayList<>();
    walk(zookeeper, root, ours, 0, deleted);
    return deleted;
  }

  private static void walk(
      Coordination zookeeper, String path, Predicate<String> ours, int depth, List<String> deleted)
      throws ProvisionException {
    List<String> children = zookeeper.children(path);
    if (children.containsAll(TABLE_MARKERS)) {
      for (String replica : zookeeper.children(path + "/replicas")) {
        if (ours.test(replica)) {
          String entry = path + "/replicas/" + replica;
          zookeeper.deleteRecursive(entry);
          deleted.add(entry);
        }
      }
      return;
    }
    if (depth >= MAX_DEPTH) {
      return;
    }
    for (String child : children) {
      if (!child.equals(DDL_QUEUE)) {
        walk(zookeeper, path + "/" + child, ours, depth + 1, deleted);
      }
    }
  }
}
