package dev.chplane.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.provision.ReplicaAddress;
import dev.chplane.provision.ReplicaPhase;
import dev.chplane.provision.ReplicaStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which of a service's replicas {@link ExposeStep} lets take new connections. */
class ExposeStepTest {

  private static ReplicaAddress address(int index) {
    return new ReplicaAddress("127.0.0.1", 20000 + index, 30000 + index);
  }

  private static List<ReplicaStatus> replicas(ReplicaPhase... phases) {
    List<ReplicaStatus> replicas = new ArrayList<>();
    for (int i = 0; i < phases.length; i++) {
      String reason = phases[i] == ReplicaPhase.FAILED ? "exited" : null;
      replicas.add(new ReplicaStatus(i, address(i), phases[i], reason));
    }
    return replicas;
  }

  @Test
  void everyReadyReplicaTakesConnections() {
    assertThat(
            ExposeStep.upstreams(
                replicas(ReplicaPhase.READY, ReplicaPhase.READY, ReplicaPhase.READY)))
        .containsExactly(address(0), address(1), address(2));
  }

  @Test
  void replicasNotReadyTakeNoConnectionsWhileAnotherIsReady() {
    assertThat(
            ExposeStep.upstreams(
                replicas(
                    ReplicaPhase.FAILED,
                    ReplicaPhase.READY,
                    ReplicaPhase.STARTING,
                    ReplicaPhase.STOPPED)))
        .as("a replica catching up, a dead one and a stopped one are left out")
        .containsExactly(address(1));
  }

  @Test
  void withNoReplicaReadyEveryPlacedReplicaStaysAnUpstream() {
    assertThat(ExposeStep.upstreams(replicas(ReplicaPhase.STOPPED, ReplicaPhase.STOPPED)))
        .as("an idle or stopped service keeps somewhere to go once woken")
        .containsExactly(address(0), address(1));
    assertThat(ExposeStep.upstreams(replicas(ReplicaPhase.STARTING, ReplicaPhase.FAILED)))
        .containsExactly(address(0), address(1));
  }

  @Test
  void noPlacedReplicaMeansNoUpstream() {
    assertThat(ExposeStep.upstreams(List.of())).isEmpty();
  }
}
