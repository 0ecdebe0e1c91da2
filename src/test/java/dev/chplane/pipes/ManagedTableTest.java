package dev.chplane.pipes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.domain.PipeSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManagedTableTest {
  private static PipeSpec.Destination destination(PipeSpec.TableDefinition definition) {
    return new PipeSpec.Destination(
        "db",
        "t",
        true,
        definition,
        List.of(
            new PipeSpec.Column("id", "UInt64"),
            new PipeSpec.Column("v", "UInt32"),
            new PipeSpec.Column("d", "Date")));
  }

  @Test
  void buildsEachEngineWithItsKeys() {
    assertThat(
            ManagedTable.createStatement(
                destination(
                    new PipeSpec.TableDefinition(
                        "MergeTree", null, List.of(), List.of("id"), "toYYYYMM(d)", null))))
        .isEqualTo(
            "CREATE TABLE `db`.`t` (`id` UInt64, `v` UInt32, `d` Date) ENGINE = MergeTree PARTITION BY toYYYYMM(d) ORDER BY (`id`)");
    assertThat(
            ManagedTable.createStatement(
                destination(
                    new PipeSpec.TableDefinition(
                        "ReplacingMergeTree", "v", List.of(), List.of("id"), null, null))))
        .endsWith("ENGINE = ReplacingMergeTree(`v`) ORDER BY (`id`)");
    assertThat(
            ManagedTable.createStatement(
                destination(
                    new PipeSpec.TableDefinition(
                        "SummingMergeTree", null, List.of("v"), List.of(), null, null))))
        .endsWith("ENGINE = SummingMergeTree((`v`)) ORDER BY tuple()");
    assertThat(
            ManagedTable.createStatement(
                destination(
                    new PipeSpec.TableDefinition("Null", null, List.of(), List.of(), null, null))))
        .endsWith("ENGINE = Null");
  }
}
