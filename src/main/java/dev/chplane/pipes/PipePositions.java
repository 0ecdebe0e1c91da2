package dev.chplane.pipes;

import dev.chplane.store.MetadataStore;
import dev.chplane.store.StoreTransaction;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The positions chplane keeps for a pipe's source in its store, for sources that cannot keep them
 * themselves (Kafka keeps its offsets in its consumer group and does not use these). Keys and
 * values are the source's own (e.g. a file name and how far it was loaded).
 */
public final class PipePositions {
  private final MetadataStore store;
  private final UUID pipeId;

  public PipePositions(MetadataStore store, UUID pipeId) {
    this.store = store;
    this.pipeId = pipeId;
  }

  /** Every stored position of the pipe. */
  public Map<String, String> read() {
    return store.pipePositions(pipeId);
  }

  /** Sets positions ({@code null} values remove them) in one store transaction. */
  public void write(Map<String, String> changes) {
    write(changes, tx -> {});
  }

  /**
   * Sets positions ({@code null} values remove them) and writes what depends on them, in one store
   * transaction: all of it is stored, or none.
   */
  public void write(Map<String, String> changes, Consumer<StoreTransaction> alsoInTransaction) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    store.inTransaction(
        tx -> {
          changes.forEach((key, value) -> tx.putPipePosition(pipeId, key, value, now));
          alsoInTransaction.accept(tx);
          return null;
        });
  }
}
