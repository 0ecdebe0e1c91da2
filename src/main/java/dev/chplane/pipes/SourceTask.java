package dev.chplane.pipes;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * One reader of a pipe's source, driven by one worker of the shared engine on a thread of its own
 * (so a task need not be thread-safe, except {@link #wakeup} and {@link #phase}). The worker polls
 * the task, batches what it read (by rows, bytes and age, as for every source), hands full batches
 * to the task's {@link #deliver} on an inserter thread, and gives the batch's positions back to
 * {@link #commit} once delivery returned.
 *
 * <p>Invariants: positions are committed only after the rows before them are in the destination, in
 * the order batches were read, so a crash replays at most what was not committed (at least once); a
 * task that needs exactly once makes {@link #deliver} and {@link #commit} one protocol (e.g. stage
 * the rows, store the positions in chplane's store with what was staged, then attach the staged
 * part) and keeps positions it cannot keep at the source in {@link PipePositions}.
 *
 * @param <P> the positions a batch ends at (Kafka: offsets per partition; a file and its line...)
 */
public interface SourceTask<P> extends AutoCloseable {

  /** What the engine offers a task while it runs. */
  interface Control {
    /**
     * Delivers what the worker holds now and commits its positions (e.g. before Kafka takes a
     * partition away); if that fails the records are read again later.
     */
    void flush();
  }

  /**
   * Called once, on the worker's thread, before the first poll: connect and position at the
   * committed positions.
   */
  void open(Control control);

  /**
   * Reads what arrives within {@code timeout} into {@code sink}; returns sooner after {@link
   * #wakeup}. Throws {@link PipeFailure} when the source refuses the pipe.
   */
  void poll(Duration timeout, RecordSink sink);

  /**
   * The positions reached by everything given to the sink since the last call (null: none), which
   * the next batch ends at.
   */
  P take();

  /**
   * Delivers a batch ending at {@code positions}, on the inserter's thread (one batch at a time, in
   * order). The plain protocol, by default: insert its rows and errors. A source that owns its
   * commit protocol stages the rows and records the positions here.
   */
  default void deliver(SealedBatch batch, P positions, Delivery delivery) {
    delivery.insert(batch);
  }

  /**
   * After {@link #deliver} of the batch returned: makes its positions durable (at the source or in
   * chplane's store).
   */
  void commit(P positions);

  /** Whether the task is reading anything (Kafka: it has partitions). */
  boolean active();

  /** Why a task that stayed inactive for {@code window} fails its pipe. */
  String inactiveReason(Duration window);

  /** Records the source holds that were not read yet (0: caught up); empty when unknown. */
  default OptionalLong lag() {
    return OptionalLong.empty();
  }

  /** The phase the task is in; read from the supervisor's thread too. */
  default SourcePhase phase() {
    return SourcePhase.STREAM;
  }

  /**
   * Whether a source that ends (a one-time load) has read all of it; its worker then flushes and
   * stops.
   */
  default boolean finished() {
    return false;
  }

  /** Makes a poll in progress return soon; the only method called from another thread. */
  void wakeup();

  /** Releases the source's resources; called on the worker's thread after the last commit. */
  @Override
  void close();
}
