package dev.chplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.KafkaSource;
import dev.chplane.domain.Organization;
import dev.chplane.domain.PipeSpec;
import dev.chplane.domain.PipeState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every store does with the positions it keeps for pipes ({@code pipe_positions}), whatever
 * database is behind it.
 */
abstract class PipePositionStoreContractTest {
  private static final Instant T0 = Instant.parse("2026-12-02T12:00:00.123Z");

  private MetadataStore store;
  private ClickPipe pipe;

  /** A store on a database that holds no rows yet. */
  protected abstract MetadataStore openEmptyStore();

  @BeforeEach
  void open() {
    store = openEmptyStore();
    Organization org = new Organization(UUID.randomUUID(), "acme", T0, false);
    store.insertOrganization(org);
    pipe = insertPipe(org.id());
  }

  @AfterEach
  void close() {
    store.close();
  }

  private ClickPipe insertPipe(UUID org) {
    ClickPipe p =
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
            T0,
            T0,
            0);
    store.inTransaction(
        tx -> {
          tx.insertPipe(p);
          return null;
        });
    return p;
  }

  private void put(UUID pipeId, String key, String value) {
    store.inTransaction(
        tx -> {
          tx.putPipePosition(pipeId, key, value, T0);
          return null;
        });
  }

  @Test
  void positionsAreInsertedReplacedAndRemovedByKey() {
    assertThat(store.pipePositions(pipe.id())).isEmpty();
    put(pipe.id(), "shard-0002", "4950");
    put(pipe.id(), "shard-0001", "17");
    put(pipe.id(), "shard-0002", "5012");
    assertThat(store.pipePositions(pipe.id()))
        .containsExactlyEntriesOf(
            new java.util.TreeMap<>(Map.of("shard-0001", "17", "shard-0002", "5012")));
    put(pipe.id(), "shard-0001", null);
    assertThat(store.pipePositions(pipe.id()))
        .containsExactlyEntriesOf(Map.of("shard-0002", "5012"));
  }

  @Test
  void eachPipeHasItsOwnPositionsAndLosesThemWhenItIsDeleted() {
    ClickPipe other = insertPipe(pipe.organizationId());
    put(pipe.id(), "file", "a.csv");
    put(other.id(), "file", "b.csv");
    store.inTransaction(
        tx -> {
          tx.deletePipe(pipe.id());
          return null;
        });
    assertThat(store.pipePositions(pipe.id())).isEmpty();
    assertThat(store.pipePositions(other.id())).containsExactlyEntriesOf(Map.of("file", "b.csv"));
  }

  @Test
  void aPositionWrittenInATransactionThatRollsBackIsNotKept() {
    put(pipe.id(), "file", "a.csv");
    try {
      store.inTransaction(
          tx -> {
            tx.putPipePosition(pipe.id(), "file", "b.csv", T0);
            throw new IllegalStateException("the state that depends on it could not be written");
          });
    } catch (IllegalStateException expected) {
      // the transaction rolled back
    }
    assertThat(store.pipePositions(pipe.id())).containsExactlyEntriesOf(Map.of("file", "a.csv"));
  }
}
