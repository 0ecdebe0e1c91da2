package dev.chplane.provision.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chplane.provision.ProvisionException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chplane's own ZooKeeper nodes as real child JVMs. */
class ManagedZooKeeperIT {
  private static final Duration START = Duration.ofSeconds(60);

  @TempDir Path dataDir;

  private final List<ManagedZooKeeper> made = new ArrayList<>();

  @AfterEach
  void stopNodes() {
    for (ManagedZooKeeper zk : made) {
      zk.close();
    }
    if (!made.isEmpty()) {
      made.get(0).stopNodes(Duration.ofSeconds(10));
    }
  }

  private ManagedZooKeeper zookeeper(int nodes) throws Exception {
    Path dir = dataDir.resolve("zookeeper");
    ManagedZooKeeper zk =
        new ManagedZooKeeper(
            dir,
            nodes,
            new PortAllocator(
                InetAddress.getLoopbackAddress(), () -> ManagedZooKeeper.recordedPorts(dir)));
    made.add(zk);
    return zk;
  }

  @Test
  void oneNodeServesTheClientOperations() throws Exception {
    ManagedZooKeeper zk = zookeeper(1);
    zk.ensureServing(START);

    assertThat(zk.nodes()).hasSize(1);
    assertThat(zk.nodes().get(0).host()).isEqualTo("127.0.0.1");
    assertThat(FourLetterWords.mode("127.0.0.1", zk.nodes().get(0).port(), Duration.ofSeconds(2)))
        .contains("standalone");

    zk.createPath("/chplane/w1/a");
    zk.createPath("/chplane/w1/a");
    zk.createPath("/chplane/w2");
    assertThat(zk.exists("/chplane/w1/a")).isTrue();
    assertThat(zk.children("/chplane")).containsExactly("w1", "w2");
    assertThat(zk.children("/nothing")).isEmpty();

    zk.deleteRecursive("/chplane/w1");
    zk.deleteRecursive("/chplane/w1");
    assertThat(zk.exists("/chplane/w1")).isFalse();
    assertThat(zk.children("/chplane")).containsExactly("w2");

    Path node = dataDir.resolve("zookeeper/node-1");
    assertThat(Files.getPosixFilePermissions(node))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(dataDir.resolve("zookeeper/ports")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(node.resolve("zookeeper.log")).isNotEmptyFile();
  }

  @Test
  void aSecondInstanceAdoptsTheRunningNodeWithItsPorts() throws Exception {
    ManagedZooKeeper first = zookeeper(1);
    first.ensureServing(START);
    first.createPath("/kept");
    Map<Integer, Long> pids = first.pids();
    List<ZooKeeperNode> nodes = first.nodes();
    first.close();

    ManagedZooKeeper second = zookeeper(1);
    second.ensureServing(START);

    assertThat(second.pids()).isEqualTo(pids);
    assertThat(second.nodes()).isEqualTo(nodes);
    assertThat(second.exists("/kept")).isTrue();
  }

  @Test
  void aKilledNodeIsStartedAgainAndServes() throws Exception {
    ManagedZooKeeper zk = zookeeper(1);
    zk.ensureServing(START);
    zk.createPath("/before");
    long pid = zk.pids().get(1);

    ProcessHandle.of(pid).orElseThrow().destroyForcibly();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> zk.pids().containsKey(1) && zk.pids().get(1) != pid);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptionsInstanceOf(ProvisionException.class)
        .until(() -> zk.exists("/before"));
    zk.createPath("/after");
    assertThat(zk.children("/")).contains("before", "after");
  }

  @Test
  void threeNodesReachAQuorumAndSurviveTheLossOfOne() throws Exception {
    ManagedZooKeeper zk = zookeeper(3);
    zk.ensureServing(START);

    assertThat(zk.nodes()).hasSize(3);
    assertThat(Set.copyOf(zk.nodes())).hasSize(3);
    zk.createPath("/chplane/w");
    Map<Integer, Long> pids = zk.pids();
    assertThat(pids).hasSize(3);

    ProcessHandle.of(pids.get(2)).orElseThrow().destroyForcibly();

    // the other two keep the quorum: writes work while node-2 is started again
    zk.createPath("/chplane/during");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> zk.pids().containsKey(2) && !zk.pids().get(2).equals(pids.get(2)));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                FourLetterWords.mode("127.0.0.1", zk.nodes().get(1).port(), Duration.ofSeconds(1))
                    .filter(m -> m.equals("leader") || m.equals("follower"))
                    .isPresent());
    assertThat(zk.children("/chplane")).containsExactly("during", "w");
  }
}
