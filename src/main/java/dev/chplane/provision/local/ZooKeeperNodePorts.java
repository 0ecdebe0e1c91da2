package dev.chplane.provision.local;

/**
 * The ports of one of chplane's ZooKeeper nodes, on loopback: clients (ClickHouse servers and
 * chplane) use {@code client}; the nodes of an ensemble talk to each other on {@code quorum} and
 * elect their leader on {@code election}.
 */
record ZooKeeperNodePorts(int client, int quorum, int election) {

  /** As the ports file records them: {@code client,quorum,election}. */
  String text() {
    return client + "," + quorum + "," + election;
  }

  static ZooKeeperNodePorts parse(String text) {
    String[] parts = text.strip().split(",");
    if (parts.length != 3) {
      throw new IllegalArgumentException("not client,quorum,election: " + text);
    }
    return new ZooKeeperNodePorts(
        Integer.parseInt(parts[0].strip()),
        Integer.parseInt(parts[1].strip()),
        Integer.parseInt(parts[2].strip()));
  }
}
