package dev.chplane.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.domain.ReplicaState;
import org.junit.jupiter.api.Test;

class ReplicaPhaseTest {

  @Test
  void everyPhaseIsTheDomainStateOfTheSameName() {
    for (ReplicaPhase phase : ReplicaPhase.values()) {
      assertThat(phase.observed().name()).isEqualTo(phase.name());
    }
    assertThat(ReplicaPhase.values()).hasSameSizeAs(ReplicaState.values());
  }
}
