package dev.chplane.it;

import static dev.chplane.it.ReplicatedService.replicatedTable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.provision.local.ManagedZooKeeper;
import dev.chplane.provision.local.PortAllocator;
import dev.chplane.provision.local.ZooKeeperNode;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * chplane with {@code --zookeeper host:port} of an ensemble it does not run (here a standalone node
 * this test starts from the same ZooKeeper artifact, in a directory of its own): chplane starts no
 * node of its own, and a service of two replicas replicates through that ensemble.
 */
class ExternalZooKeeperServiceIT {
  private Path dataDir;
  private Path zkDir;
  private ManagedZooKeeper ensemble;
  private ChplaneProcess chplane;

  @BeforeEach
  void start() throws Exception {
    dataDir = Files.createTempDirectory("chplane-ext-zk-");
    zkDir = Files.createTempDirectory("chplane-ext-zk-ensemble-");
    ensemble =
        new ManagedZooKeeper(
            zkDir,
            1,
            new PortAllocator(
                InetAddress.getLoopbackAddress(), () -> ManagedZooKeeper.recordedPorts(zkDir)));
    ensemble.ensureServing(Duration.ofSeconds(90));
    String connect =
        ensemble.nodes().stream().map(ZooKeeperNode::toString).collect(Collectors.joining(","));
    chplane = new ChplaneProcess(dataDir, "--zookeeper", connect).start();
  }

  @AfterEach
  void stop() {
    if (chplane != null) {
      chplane.close();
    }
    ClickHouseProcesses.killAll(dataDir);
    ZooKeeperProcesses.killAll(dataDir);
    if (ensemble != null) {
      ensemble.close();
      ensemble.stopNodes(Duration.ofSeconds(10));
    }
    ZooKeeperProcesses.killAll(zkDir);
    TestInstallation.deleteTree(dataDir);
    TestInstallation.deleteTree(zkDir);
  }

  @Test
  void aServiceOfTwoReplicasReplicatesThroughTheGivenEnsemble() throws Exception {
    assertThat(ZooKeeperProcesses.under(dataDir)).as("ZooKeeper nodes chplane runs").isEmpty();
    assertThat(dataDir.resolve("zookeeper")).doesNotExist();

    ReplicatedService duo =
        ReplicatedService.create(
            chplane.api(), dataDir.resolve("tls/ca.pem"), "external", 2, "\"idleScaling\":false");
    duo.awaitState("running");
    duo.sql(replicatedTable("default.t", "id UInt64", "id"));
    duo.sql("INSERT INTO default.t SELECT number FROM numbers(2000)");
    duo.awaitOnEveryReplica(
        "SELECT toString(count()) || '/' || toString(uniqExact(id)) FROM default.t",
        2,
        "2000/2000",
        Duration.ofSeconds(60));
    duo.awaitOnEveryReplica(
        "(SELECT total_replicas FROM system.replicas WHERE database = 'default' AND table = 't')",
        2,
        "2",
        Duration.ofSeconds(30));

    assertThat(ensemble.children("/chplane"))
        .as("the warehouse root lives in the given ensemble")
        .contains(duo.id());
    assertThat(ZooKeeperProcesses.under(dataDir)).as("still none of its own").isEmpty();
    duo.delete();
  }
}
