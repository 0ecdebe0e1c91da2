package dev.chplane.pipes;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;

/**
 * Delivers a worker's batches (inserts them, by the source's commit protocol) on a thread of its
 * own while the worker reads the next one, so that reading and the server's insert overlap. At most
 * one batch is in flight.
 *
 * <p>Invariant: the positions of a batch (e.g. Kafka offsets) come back to the worker, to be
 * committed, only after the insert of that batch returned, i.e. after the server acknowledged all
 * of its rows; batches are inserted in the order they were sent, so the positions committed only
 * move forward. Delivery stays at least once.
 *
 * @param <P> the positions a batch ends at
 */
final class BatchInserter<P> implements AutoCloseable {
  private final ExecutorService thread;
  private final BiConsumer<SealedBatch, P> insert;
  private Future<?> inFlight;
  private P inFlightPositions;

  BatchInserter(String name, BiConsumer<SealedBatch, P> insert) {
    this.insert = insert;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Hands a batch over; first waits for the one in flight and returns its positions (null if none).
   */
  P send(SealedBatch batch, P positions) {
    P done = drain();
    inFlight = thread.submit(() -> insert.accept(batch, positions));
    inFlightPositions = positions;
    return done;
  }

  /** Whether a batch is in flight and its positions not yet handed back. */
  boolean busy() {
    return inFlight != null;
  }

  /** The positions of the batch in flight if its insert has returned, else null. */
  P completed() {
    return inFlight != null && inFlight.isDone() ? drain() : null;
  }

  /**
   * Waits for the batch in flight and returns its positions, or null when none is in flight. Throws
   * what its insert threw (a {@link PipeFailure} when the failure window ran out).
   */
  P drain() {
    if (inFlight == null) {
      return null;
    }
    Future<?> f = inFlight;
    P positions = inFlightPositions;
    inFlight = null;
    inFlightPositions = null;
    try {
      f.get();
      return positions;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new PipeFailure("insert failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PipeFailure("interrupted while waiting for an insert", e);
    }
  }

  /** Abandons a batch still in flight (its positions were never committed, so it is read again). */
  @Override
  public void close() {
    thread.shutdownNow();
  }
}
