package dev.chplane.provision.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExternalZooKeeperTest {

  @Test
  void parsesHostsAndPorts() {
    assertThat(ExternalZooKeeper.parse(" zk1:2181, 10.0.0.2:2182,[::1]:2183 "))
        .containsExactly(
            new ZooKeeperNode("zk1", 2181),
            new ZooKeeperNode("10.0.0.2", 2182),
            new ZooKeeperNode("[::1]", 2183));
    assertThat(new ExternalZooKeeper("zk1:2181").nodes())
        .isEqualTo(List.of(new ZooKeeperNode("zk1", 2181)));
  }

  @Test
  void refusesWhatIsNoHostAndPort() {
    for (String bad :
        List.of(
            "", "zk1", "zk1:", ":2181", "zk1:x", "zk1:0", "zk1:70000", "zk1:2181,", "::1:2181")) {
      assertThatThrownBy(() -> ExternalZooKeeper.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> ExternalZooKeeper.parse("zk1:2181/chroot"))
        .hasMessageContaining("without a path");
  }
}
