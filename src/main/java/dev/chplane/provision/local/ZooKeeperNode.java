package dev.chplane.provision.local;

/** One ZooKeeper node as clients reach it. */
public record ZooKeeperNode(String host, int port) {

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
