package dev.chplane.domain;

import static dev.chplane.domain.ReplicaState.FAILED;
import static dev.chplane.domain.ReplicaState.READY;
import static dev.chplane.domain.ReplicaState.STARTING;
import static dev.chplane.domain.ReplicaState.STOPPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceHealthTest {

  static Stream<Arguments> table() {
    return Stream.of(
        // desired, observed replicas, derived state
        Arguments.of(1, List.of(READY), ServiceState.RUNNING),
        Arguments.of(3, List.of(READY, READY, READY), ServiceState.RUNNING),
        Arguments.of(2, List.of(READY, READY, STARTING), ServiceState.RUNNING),
        Arguments.of(3, List.of(READY, STARTING, STARTING), ServiceState.PARTIALLY_RUNNING),
        Arguments.of(3, List.of(READY, READY), ServiceState.PARTIALLY_RUNNING),
        Arguments.of(2, List.of(READY, STOPPED), ServiceState.PARTIALLY_RUNNING),
        Arguments.of(3, List.of(READY, READY, FAILED), ServiceState.DEGRADED),
        Arguments.of(3, List.of(READY, STARTING, FAILED), ServiceState.DEGRADED),
        Arguments.of(1, List.of(), ServiceState.STARTING),
        Arguments.of(1, List.of(STARTING), ServiceState.STARTING),
        Arguments.of(1, List.of(STOPPED), ServiceState.STARTING),
        Arguments.of(2, List.of(FAILED, STARTING), ServiceState.STARTING),
        Arguments.of(1, List.of(FAILED), ServiceState.FAILED),
        Arguments.of(2, List.of(FAILED, FAILED), ServiceState.FAILED));
  }

  @ParameterizedTest(name = "{0} desired, {1} -> {2}")
  @MethodSource("table")
  void derivesTheServiceStateFromItsReplicas(
      int desired, List<ReplicaState> replicas, ServiceState expected) {
    assertThat(ServiceHealth.derive(desired, replicas)).isEqualTo(expected);
  }

  @Test
  void aServiceThatShouldRunWantsAReplica() {
    assertThatThrownBy(() -> ServiceHealth.derive(0, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
