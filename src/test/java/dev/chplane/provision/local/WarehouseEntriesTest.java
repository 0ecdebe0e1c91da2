package dev.chplane.provision.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class WarehouseEntriesTest {
  /** A ZooKeeper tree in memory: the set of existing paths. */
  private static final class Tree implements Coordination {
    final TreeSet<String> paths = new TreeSet<>();

    @Override
    public List<ZooKeeperNode> nodes() {
      return List.of();
    }

    @Override
    public void ensureServing(Duration timeout) {}

    @Override
    public void createPath(String path) {
      for (int i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) {
        paths.add(path.substring(0, i));
      }
      paths.add(path);
    }

    @Override
    public boolean exists(String path) {
      return paths.contains(path);
    }

    @Override
    public List<String> children(String path) {
      return paths.stream()
          .filter(p -> p.startsWith(path + "/") && p.indexOf('/', path.length() + 1) < 0)
          .map(p -> p.substring(path.length() + 1))
          .toList();
    }

    @Override
    public void deleteRecursive(String path) {
      paths.removeIf(p -> p.equals(path) || p.startsWith(path + "/"));
    }

    @Override
    public void close() {}
  }

  private static void table(Tree zk, String path, String... replicas) {
    zk.createPath(path + "/log/log-0000000001");
    zk.createPath(path + "/blocks/all_1");
    for (String r : replicas) {
      zk.createPath(path + "/replicas/" + r + "/parts/all_0_0_0");
    }
  }

  @Test
  void deletesOnlyTheServicesOwnReplicasAndKeepsTheTables() throws Exception {
    Tree zk = new Tree();
    String root = "/chplane/w";
    table(zk, root + "/clickhouse/tables/1/default/a", "p-0", "p-1", "s-0");
    table(zk, root + "/clickhouse/tables/1/db2/b", "p-0", "s-0", "s-1");
    zk.createPath(root + "/clickhouse/task_queue/ddl/query-0000000001/finished/s-0");
    table(zk, "/chplane/other/clickhouse/tables/1/default/a", "s-0");

    List<String> deleted = WarehouseEntries.deleteReplicas(zk, root, r -> r.startsWith("s-"));

    assertThat(deleted)
        .containsExactlyInAnyOrder(
            root + "/clickhouse/tables/1/default/a/replicas/s-0",
            root + "/clickhouse/tables/1/db2/b/replicas/s-0",
            root + "/clickhouse/tables/1/db2/b/replicas/s-1");
    assertThat(zk.children(root + "/clickhouse/tables/1/default/a/replicas"))
        .containsExactly("p-0", "p-1");
    assertThat(zk.children(root + "/clickhouse/tables/1/db2/b/replicas")).containsExactly("p-0");
    assertThat(zk.exists(root + "/clickhouse/tables/1/db2/b/log/log-0000000001")).isTrue();
    assertThat(zk.exists(root + "/clickhouse/task_queue/ddl/query-0000000001/finished/s-0"))
        .isTrue();
    assertThat(zk.exists("/chplane/other/clickhouse/tables/1/default/a/replicas/s-0")).isTrue();
  }

  @Test
  void aMissingRootDeletesNothing() throws Exception {
    assertThat(WarehouseEntries.deleteReplicas(new Tree(), "/chplane/none", r -> true)).isEmpty();
  }
}
