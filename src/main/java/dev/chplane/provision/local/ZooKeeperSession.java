package dev.chplane.provision.local;

import dev.chplane.provision.ProvisionException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZKUtil;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chplane's one client session with an ensemble. It is made at first use and made again after it
 * expired (the ZooKeeper client itself reconnects across nodes within a session); an operation that
 * loses its connection is retried until {@code operationTimeout}. Thread-safe.
 */
final class ZooKeeperSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ZooKeeperSession.class);

  private final String connectString;
  private final Duration sessionTimeout;
  private final Duration operationTimeout;

  /** The current client, null before the first use and after close; guarded by this. */
  private ZooKeeper client;

  private boolean closed;

  ZooKeeperSession(String connectString, Duration sessionTimeout, Duration operationTimeout) {
    this.connectString = connectString;
    this.sessionTimeout = sessionTimeout;
    this.operationTimeout = operationTimeout;
  }

  String connectString() {
    return connectString;
  }

  /** One operation on the session; it may be called again after a lost connection. */
  interface Operation<T> {
    T apply(ZooKeeper zk) throws KeeperException, InterruptedException;
  }

  /**
   * Waits up to {@code timeout} for a connected session.
   *
   * @throws ProvisionException when none is connected by then
   */
  void awaitConnected(Duration timeout) throws ProvisionException {
    connected(System.nanoTime() + timeout.toNanos());
  }

  void createPath(String path) throws ProvisionException {
    validate(path);
    if (path.equals("/")) {
      return;
    }
    call(
        "create " + path,
        zk -> {
          StringBuilder prefix = new StringBuilder();
          for (String part : path.substring(1).split("/")) {
            prefix.append('/').append(part);
            try {
              zk.create(
                  prefix.toString(),
                  new byte[0],
                  ZooDefs.Ids.OPEN_ACL_UNSAFE,
                  CreateMode.PERSISTENT);
            } catch (KeeperException.NodeExistsException e) {
              // made earlier, or by another client at the same time: either way it exists
            }
          }
          return null;
        });
  }

  boolean exists(String path) throws ProvisionException {
    validate(path);
    return call("exists " + path, zk -> zk.exists(path, false) != null);
  }

  List<String> children(String path) throws ProvisionException {
    validate(path);
    return call(
        "children of " + path,
        zk -> {
          try {
            List<String> names = new ArrayList<>(zk.getChildren(path, false));
            names.sort(null);
            return List.copyOf(names);
          } catch (KeeperException.NoNodeException e) {
            return List.of();
          }
        });
  }

  void deleteRecursive(String path) throws ProvisionException {
    validate(path);
    if (path.equals("/")) {
      throw new IllegalArgumentException("refusing to delete the whole tree");
    }
    call(
        "delete " + path,
        zk -> {
          try {
            ZKUtil.deleteRecursive(zk, path);
          } catch (KeeperException.NoNodeException e) {
            // gone already, or a child went while the tree was listed: the next attempt sees
            if (zk.exists(path, false) != null) {
              throw e;
            }
          } catch (KeeperException.NotEmptyException e) {
            // a child was made while the tree was deleted: the next attempt takes it too
            throw new KeeperException.ConnectionLossException();
          }
          return null;
        });
  }

  private <T> T call(String what, Operation<T> operation) throws ProvisionException {
    long deadline = System.nanoTime() + operationTimeout.toNanos();
    while (true) {
      ZooKeeper zk = connected(deadline);
      try {
        return operation.apply(zk);
      } catch (KeeperException.ConnectionLossException
          | KeeperException.SessionExpiredException
          | KeeperException.OperationTimeoutException
          | KeeperException.NoNodeException e) {
        if (System.nanoTime() > deadline) {
          throw new ProvisionException(
              "ZooKeeper at " + connectString + ": " + what + " failed: " + e.getMessage(), e);
        }
        pause();
      } catch (KeeperException e) {
        throw new ProvisionException(
            "ZooKeeper at " + connectString + ": " + what + " failed: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProvisionException("interrupted: " + what, e);
      }
    }
  }

  /** The current client once its session is connected; a new one if the last one's expired. */
  private synchronized ZooKeeper connected(long deadline) throws ProvisionException {
    while (true) {
      if (closed) {
        throw new ProvisionException("the ZooKeeper session is closed");
      }
      if (client == null || !client.getState().isAlive()) {
        if (client != null) {
          log.info("ZooKeeper session with {} has ended; making a new one", connectString);
          closeQuietly(client);
        }
        client = newClient();
      }
      if (client.getState().isConnected()) {
        return client;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new ProvisionException(
            "no ZooKeeper session with " + connectString + " (state " + client.getState() + ")");
      }
      try {
        // the watcher wakes this on every state change
        wait(Math.max(1, Math.min(left / 1_000_000, 100)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProvisionException("interrupted while connecting to ZooKeeper", e);
      }
    }
  }

  private ZooKeeper newClient() throws ProvisionException {
    ZKClientConfig config = new ZKClientConfig();
    // no JAAS configuration: without this the client tries SASL and logs why it cannot
    config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
    config.setProperty(
        ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, Long.toString(operationTimeout.toMillis()));
    try {
      return new ZooKeeper(connectString, (int) sessionTimeout.toMillis(), this::event, config);
    } catch (IOException | IllegalArgumentException e) {
      throw new ProvisionException(
          "cannot make a ZooKeeper client for " + connectString + ": " + e.getMessage(), e);
    }
  }

  private void event(WatchedEvent event) {
    if (event.getState() == Watcher.Event.KeeperState.Expired) {
      log.info("ZooKeeper session with {} expired", connectString);
    }
    synchronized (this) {
      notifyAll();
    }
  }

  private static void validate(String path) {
    if (!path.startsWith("/") || (path.length() > 1 && path.endsWith("/")) || path.contains("//")) {
      throw new IllegalArgumentException("not an absolute ZooKeeper path: " + path);
    }
  }

  private static void pause() throws ProvisionException {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProvisionException("interrupted while waiting for ZooKeeper", e);
    }
  }

  private static void closeQuietly(ZooKeeper zk) {
    try {
      zk.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (client != null) {
      closeQuietly(client);
      client = null;
    }
    notifyAll();
  }
}
