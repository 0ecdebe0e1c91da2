package dev.chplane.provision.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZooKeeperNodeConfigTest {
  private static final Path DIR = Path.of("/data/zookeeper/node-2");

  @Test
  void aSingleNodeIsStandaloneOnLoopback() {
    ZooKeeperNodeConfig c =
        new ZooKeeperNodeConfig(1, Path.of("/data/zookeeper/node-1"), Map.of(1, ports(10)));

    assertThat(c.standalone()).isTrue();
    assertThat(c.zooCfg())
        .contains("dataDir=/data/zookeeper/node-1/data\n")
        .contains("clientPort=10\n")
        .contains("clientPortAddress=127.0.0.1\n")
        .contains("admin.enableServer=false\n")
        .contains("4lw.commands.whitelist=ruok,srvr,mntr\n")
        .doesNotContain("server.");
  }

  @Test
  void anEnsembleNamesEveryNodesQuorumAndElectionPorts() {
    ZooKeeperNodeConfig c =
        new ZooKeeperNodeConfig(2, DIR, Map.of(1, ports(10), 2, ports(20), 3, ports(30)));

    assertThat(c.standalone()).isFalse();
    assertThat(c.zooCfg())
        .contains("clientPort=20\n")
        .contains("server.1=127.0.0.1:11:12\nserver.2=127.0.0.1:21:22\nserver.3=127.0.0.1:31:32\n");
    assertThat(c.myid()).isEqualTo("2\n");
  }

  @Test
  void theConfigFileIsTheLastArgumentOfTheCommand() {
    ZooKeeperNodeConfig c = new ZooKeeperNodeConfig(2, DIR, Map.of(2, ports(20)));

    assertThat(c.command("/jdk/bin/java", "/a.jar:/b.jar"))
        .startsWith("/jdk/bin/java")
        .contains("-cp", "/a.jar:/b.jar", "-Dlogback.configurationFile=" + DIR + "/logback.xml")
        .endsWith(ZooKeeperNodeConfig.MAIN_CLASS, DIR + "/zoo.cfg");
    assertThat(c.logbackXml()).contains("<file>" + DIR + "/zookeeper.log</file>");
  }

  @Test
  void aNodeMustBeInItsEnsemble() {
    assertThatThrownBy(() -> new ZooKeeperNodeConfig(4, DIR, Map.of(1, ports(10))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static ZooKeeperNodePorts ports(int base) {
    return new ZooKeeperNodePorts(base, base + 1, base + 2);
  }
}
