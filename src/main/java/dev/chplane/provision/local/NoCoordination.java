package dev.chplane.provision.local;

import java.time.Duration;
import java.util.List;

/**
 * No ZooKeeper: servers get no {@code <zookeeper>} section, so replicated tables and distributed
 * DDL do not work; for a single replica without replication (and tests that start no server).
 */
public final class NoCoordination implements Coordination {

  @Override
  public List<ZooKeeperNode> nodes() {
    return List.of();
  }

  @Override
  public void ensureServing(Duration timeout) {}

  @Override
  public void createPath(String path) {}

  @Override
  public boolean exists(String path) {
    return false;
  }

  @Override
  public List<String> children(String path) {
    return List.of();
  }

  @Override
  public void deleteRecursive(String path) {}

  @Override
  public void close() {}
}
