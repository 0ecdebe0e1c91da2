package dev.chplane.provision.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedZooKeeperTest {
  @TempDir Path dir;

  @Test
  void aNodeThatKeepsExitingIsStartedAgainLessAndLessOften() {
    assertThat(ManagedZooKeeper.restartDelay(0)).isZero();
    assertThat(ManagedZooKeeper.restartDelay(1)).isZero();
    assertThat(ManagedZooKeeper.restartDelay(2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(ManagedZooKeeper.restartDelay(3)).isEqualTo(Duration.ofSeconds(2));
    assertThat(ManagedZooKeeper.restartDelay(6)).isEqualTo(Duration.ofSeconds(16));
    assertThat(ManagedZooKeeper.restartDelay(7)).isEqualTo(ManagedZooKeeper.MAX_BACKOFF);
    assertThat(ManagedZooKeeper.restartDelay(1000)).isEqualTo(ManagedZooKeeper.MAX_BACKOFF);
  }

  @Test
  void portsAreAllocatedOnceAndRecordedForTheAllocator() {
    Path zk = dir.resolve("zookeeper");
    PortAllocator allocator =
        new PortAllocator(
            InetAddress.getLoopbackAddress(), () -> ManagedZooKeeper.recordedPorts(zk));
    try (ManagedZooKeeper three = new ManagedZooKeeper(zk, 3, allocator)) {
      assertThat(three.nodes()).hasSize(3);
      assertThat(ManagedZooKeeper.recordedPorts(zk)).hasSize(9);
      try (ManagedZooKeeper again = new ManagedZooKeeper(zk, 3, allocator)) {
        assertThat(again.nodes()).isEqualTo(three.nodes());
      }
      try (ManagedZooKeeper one = new ManagedZooKeeper(zk, 1, allocator)) {
        assertThat(one.nodes()).containsExactly(three.nodes().get(0));
      }
    }
    assertThat(Arrays.stream(allocator.allocate(20)).boxed())
        .doesNotContainAnyElementsOf(ManagedZooKeeper.recordedPorts(zk));
  }

  @Test
  void anEnsembleHasAnOddNumberOfNodes() {
    PortAllocator allocator = new PortAllocator(InetAddress.getLoopbackAddress(), Set::of);
    assertThatThrownBy(() -> new ManagedZooKeeper(dir, 2, allocator))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ManagedZooKeeper(dir, 0, allocator))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
