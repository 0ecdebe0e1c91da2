package dev.chplane.provision.local;

import dev.chplane.provision.ProvisionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ZooKeeper ensemble that the user runs ({@code --zookeeper host:port,...}): chplane only uses
 * it, through one client session, and starts or stops nothing.
 */
public final class ExternalZooKeeper implements Coordination {
  private static final Logger log = LoggerFactory.getLogger(ExternalZooKeeper.class);

  private final List<ZooKeeperNode> nodes;
  private final ZooKeeperSession session;

  /**
   * @param connectString {@code host:port,...}, as {@link #parse} accepts it
   * @throws IllegalArgumentException saying what is wrong with {@code connectString}
   */
  public ExternalZooKeeper(String connectString) {
    this.nodes = parse(connectString);
    this.session =
        new ZooKeeperSession(
            nodes.stream().map(ZooKeeperNode::toString).collect(Collectors.joining(",")),
            ManagedZooKeeper.SESSION_TIMEOUT,
            ManagedZooKeeper.OPERATION_TIMEOUT);
  }

  /**
   * The nodes of a connect string {@code host:port,...} (an IPv6 address in brackets: {@code
   * [::1]:2181}). A chroot suffix ({@code /path}) is refused: each service's servers get their own
   * root under {@code /chplane}.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static List<ZooKeeperNode> parse(String connectString) {
    if (connectString == null || connectString.isBlank()) {
      throw new IllegalArgumentException("no ZooKeeper nodes given (host:port,...)");
    }
    List<ZooKeeperNode> out = new ArrayList<>();
    for (String part : connectString.strip().split(",", -1)) {
      String node = part.strip();
      if (node.contains("/")) {
        throw new IllegalArgumentException(
            "a ZooKeeper node is host:port, without a path (chplane uses /chplane): " + node);
      }
      int colon = node.lastIndexOf(':');
      if (node.isEmpty() || colon <= 0 || colon == node.length() - 1) {
        throw new IllegalArgumentException("a ZooKeeper node is host:port, not '" + node + "'");
      }
      String host = node.substring(0, colon);
      if (host.startsWith("[") != host.endsWith("]")
          || (host.contains(":") && !host.startsWith("["))) {
        throw new IllegalArgumentException(
            "an IPv6 address of a ZooKeeper node goes in brackets ([::1]:2181): " + node);
      }
      int port;
      try {
        port = Integer.parseInt(node.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("the port of ZooKeeper node " + node + " is no number");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "the port of ZooKeeper node " + node + " is not between 1 and 65535");
      }
      out.add(new ZooKeeperNode(host, port));
    }
    return List.copyOf(out);
  }

  @Override
  public List<ZooKeeperNode> nodes() {
    return nodes;
  }

  @Override
  public void ensureServing(Duration timeout) throws ProvisionException {
    try {
      session.awaitConnected(timeout);
    } catch (ProvisionException e) {
      throw new ProvisionException(
          "the ZooKeeper ensemble at "
              + session.connectString()
              + " gave no session within "
              + timeout.toSeconds()
              + " s",
          e);
    }
    log.info("ZooKeeper at {} serves", session.connectString());
  }

  @Override
  public void createPath(String path) throws ProvisionException {
    session.createPath(path);
  }

  @Override
  public boolean exists(String path) throws ProvisionException {
    return session.exists(path);
  }

  @Override
  public List<String> children(String path) throws ProvisionException {
    return session.children(path);
  }

  @Override
  public void deleteRecursive(String path) throws ProvisionException {
    session.deleteRecursive(path);
  }

  @Override
  public void close() {
    session.close();
  }
}
