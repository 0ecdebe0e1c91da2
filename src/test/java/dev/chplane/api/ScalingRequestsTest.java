package dev.chplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chplane.domain.Scaling;
import org.junit.jupiter.api.Test;

class ScalingRequestsTest {
  private final ScalingRequests scaling = new ScalingRequests();

  private Scaling apply(String json, Scaling current) {
    return scaling.apply(JsonBodyTest.body(json), current, true);
  }

  @Test
  void numReplicasWithReplicaBandIsRefused() {
    assertThatThrownBy(
            () ->
                apply(
                    "{\"numReplicas\":2,\"minReplicas\":1,\"maxReplicas\":3}", Scaling.defaults()))
        .isInstanceOf(ApiException.class)
        .hasMessageStartingWith("numReplicas: ");
  }

  @Test
  void minReplicasWithoutMaxReplicasIsRefused() {
    assertThatThrownBy(() -> apply("{\"minReplicas\":1}", Scaling.defaults()))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("minReplicas, maxReplicas");
  }

  @Test
  void minReplicaMemoryAboveMaxIsRefused() {
    assertThatThrownBy(
            () ->
                apply("{\"minReplicaMemoryGb\":16,\"maxReplicaMemoryGb\":12}", Scaling.defaults()))
        .isInstanceOf(ApiException.class)
        .hasMessageStartingWith("minReplicaMemoryGb: must not be greater");
  }

  @Test
  void minReplicaMemoryAboveCurrentMaxIsRefused() {
    Scaling current = new Scaling(null, 8, 12, null, null, null, null, null, null, null);
    assertThatThrownBy(() -> apply("{\"minReplicaMemoryGb\":16}", current))
        .hasMessageContaining("16 > 12");
  }

  @Test
  void idleTimeoutBelowFiveIsRefusedAndFiveIsAccepted() {
    assertThatThrownBy(() -> apply("{\"idleTimeoutMinutes\":4}", Scaling.defaults()))
        .hasMessageStartingWith("idleTimeoutMinutes: ");
    assertThat(apply("{\"idleTimeoutMinutes\":5}", Scaling.defaults()).idleTimeoutMinutes())
        .isEqualTo(5);
  }

  @Test
  void replicaMemoryMustBeMultipleOfFour() {
    assertThatThrownBy(() -> apply("{\"maxReplicaMemoryGb\":10}", Scaling.defaults()))
        .hasMessage("maxReplicaMemoryGb: must be a multiple of 4, got 10");
  }

  @Test
  void fieldsNotInBodyKeepTheirCurrentValue() {
    Scaling current = new Scaling("vertical", 8, 16, 2, null, null, 24, 48, false, 30);
    Scaling out = apply("{\"maxReplicaMemoryGb\":32}", current);
    assertThat(out).isEqualTo(new Scaling("vertical", 8, 32, 2, null, null, 24, 48, false, 30));
  }

  @Test
  void theLoadScalersCountSurvivesAChangeOfTheBand() {
    Scaling current = new Scaling("horizontal", 8, 8, null, 1, 5, null, null, null, null, 4);
    Scaling out = apply("{\"minReplicas\":1,\"maxReplicas\":3}", current);
    assertThat(out.currentReplicas()).isEqualTo(4);
    assertThat(out.plannedReplicas()).as("kept within the new band").isEqualTo(3);
  }

  @Test
  void replicaCountsOutsideOneToTwentyAreRefused() {
    assertThatThrownBy(() -> apply("{\"numReplicas\":21}", Scaling.defaults()))
        .hasMessageStartingWith("numReplicas: ");
    assertThatThrownBy(() -> apply("{\"minReplicas\":0,\"maxReplicas\":2}", Scaling.defaults()))
        .hasMessageStartingWith("minReplicas: ");
  }

  @Test
  void replicaBandReplacesNumReplicas() {
    Scaling current = new Scaling(null, null, null, 3, null, null, null, null, null, null);
    Scaling out = apply("{\"minReplicas\":2,\"maxReplicas\":4}", current);
    assertThat(out.numReplicas()).isNull();
    assertThat(out.minReplicas()).isEqualTo(2);
    assertThat(out.maxReplicas()).isEqualTo(4);
  }

  @Test
  void numReplicasReplacesReplicaBand() {
    Scaling current = new Scaling(null, null, null, null, 2, 4, null, null, null, null);
    Scaling out = apply("{\"numReplicas\":3}", current);
    assertThat(out.numReplicas()).isEqualTo(3);
    assertThat(out.minReplicas()).isNull();
    assertThat(out.maxReplicas()).isNull();
  }

  @Test
  void replicaFieldsAreIgnoredWhenNotAllowed() {
    Scaling out =
        scaling.apply(
            JsonBodyTest.body("{\"minReplicaMemoryGb\":10,\"minTotalMemoryGb\":36}"),
            Scaling.defaults(),
            false);
    assertThat(out.minReplicaMemoryGb()).isNull();
    assertThat(out.minTotalMemoryGb()).isEqualTo(36);
  }
}
