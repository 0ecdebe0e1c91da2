package dev.chplane.provision.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chplane.provision.ProvisionException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An ensemble chplane does not run (here: a node of another chplane's ManagedZooKeeper). */
class ExternalZooKeeperIT {
  @TempDir Path dataDir;

  @Test
  void usesTheEnsembleItIsGiven() throws Exception {
    Path dir = dataDir.resolve("zookeeper");
    ManagedZooKeeper other =
        new ManagedZooKeeper(
            dir,
            1,
            new PortAllocator(
                InetAddress.getLoopbackAddress(), () -> ManagedZooKeeper.recordedPorts(dir)));
    try {
      other.ensureServing(Duration.ofSeconds(60));
      String connect =
          other.nodes().stream().map(ZooKeeperNode::toString).collect(Collectors.joining(","));
      try (ExternalZooKeeper zk = new ExternalZooKeeper(connect)) {
        zk.ensureServing(Duration.ofSeconds(30));
        zk.createPath("/chplane/x/y");
        assertThat(other.children("/chplane/x")).containsExactly("y");
        zk.deleteRecursive("/chplane");
        assertThat(zk.exists("/chplane")).isFalse();
      }
    } finally {
      other.close();
      other.stopNodes(Duration.ofSeconds(10));
    }
  }

  @Test
  void anEnsembleThatDoesNotAnswerIsReported() throws Exception {
    int unused;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      unused = s.getLocalPort();
    }
    try (ExternalZooKeeper zk = new ExternalZooKeeper("127.0.0.1:" + unused)) {
      assertThatThrownBy(() -> zk.ensureServing(Duration.ofSeconds(2)))
          .isInstanceOf(ProvisionException.class)
          .hasMessageContaining("127.0.0.1:" + unused)
          .hasMessageContaining("no session");
    }
  }
}
