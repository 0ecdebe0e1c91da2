package dev.chplane.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.KafkaSource;
import dev.chplane.domain.Organization;
import dev.chplane.domain.PipeSpec;
import dev.chplane.domain.PipeState;
import dev.chplane.store.EmbeddedStore;
import dev.chplane.store.MetadataStore;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Positions chplane keeps for a pipe's source, on the embedded store. */
class PipePositionsTest {
  @TempDir Path dir;
  private MetadataStore store;
  private ClickPipe pipe;

  @BeforeEach
  void open() {
    store = EmbeddedStore.open(dir.resolve("meta"));
    UUID org = UUID.randomUUID();
    store.insertOrganization(new Organization(org, "o", Instant.now(), false));
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    pipe =
        new ClickPipe(
            UUID.randomUUID(),
            org,
            UUID.randomUUID(),
            new PipeSpec(
                "p",
                new KafkaSource(
                    "kafka", "JSONEachRow", "127.0.0.1:9", "t", null, null, null, null, null),
                new PipeSpec.Destination("default", "t", false, null, List.of()),
                List.of(),
                new PipeSpec.PipeScaling(1, 125, 0.5),
                Map.of()),
            null,
            PipeState.RUNNING,
            DesiredState.RUNNING,
            null,
            now,
            now,
            0);
    store.inTransaction(
        tx -> {
          tx.insertPipe(pipe);
          return null;
        });
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void positionsAreSetReplacedAndRemoved() {
    PipePositions positions = new PipePositions(store, pipe.id());
    assertThat(positions.read()).isEmpty();
    positions.write(Map.of("file", "a.json", "stage", "pending"));
    positions.write(Map.of("file", "b.json"));
    assertThat(positions.read())
        .containsExactlyInAnyOrderEntriesOf(Map.of("file", "b.json", "stage", "pending"));
    Map<String, String> remove = new HashMap<>();
    remove.put("stage", null);
    positions.write(remove);
    assertThat(positions.read()).containsExactlyEntriesOf(Map.of("file", "b.json"));
  }

  @Test
  void positionsAndWhatDependsOnThemAreStoredTogetherOrNotAtAll() {
    PipePositions positions = new PipePositions(store, pipe.id());
    positions.write(Map.of("file", "a.json"));
    assertThatThrownBy(
            () ->
                positions.write(
                    Map.of("file", "b.json"),
                    tx -> {
                      tx.updatePipe(
                          pipe.withState(PipeState.FAILED, "x")
                              .withVersion(41)); // stale: the transaction rolls back
                    }))
        .isInstanceOf(RuntimeException.class);
    assertThat(positions.read()).containsExactlyEntriesOf(Map.of("file", "a.json"));
    positions.write(
        Map.of("file", "c.json"), tx -> tx.updatePipe(pipe.withState(PipeState.STOPPED, null)));
    assertThat(positions.read()).containsExactlyEntriesOf(Map.of("file", "c.json"));
    assertThat(store.findPipe(pipe.id()).orElseThrow().state()).isEqualTo(PipeState.STOPPED);
  }

  @Test
  void aDeletedPipeTakesItsPositionsWithIt() {
    new PipePositions(store, pipe.id()).write(Map.of("file", "a.json"));
    store.inTransaction(
        tx -> {
          tx.deletePipe(pipe.id());
          return null;
        });
    assertThat(store.pipePositions(pipe.id())).isEmpty();
  }
}
