package dev.chplane.pipes;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker of a pipe, for any source: polls its {@link SourceTask}, maps each record to a row (or
 * an error row), hands the batch to its {@link BatchInserter} when it reaches its row count, byte
 * size or age, and gives the batch's positions back to the task to commit only once the batch was
 * delivered. A crash between delivery and commit replays the batch, unless the task's own protocol
 * makes delivery and commit one.
 */
final class SourceWorker<P> implements Runnable, RecordSink, SourceTask.Control {
  private static final Logger log = LoggerFactory.getLogger(SourceWorker.class);

  private final PipeRunner runner;
  private final SourceTask<P> task;
  private final RowMapper mapper;
  private final ObjectMapper json;
  private final Batch batch;
  private final BatchInserter<P> inserter;
  private volatile boolean stopping;

  /**
   * The last batch went because it was full, so the source held more than a batch: once the task
   * has caught up, the rest of that backlog goes at once instead of waiting out
   * streaming_max_insert_wait_ms. A trickle never fills a batch, so it still waits.
   */
  private boolean drainingBacklog;

  /** The task's lag after its last poll, for readers on other threads; -1 when unknown. */
  private volatile long lag = -1;

  SourceWorker(
      PipeRunner runner, String name, SourceTask<P> task, RowMapper mapper, ObjectMapper json) {
    this.runner = runner;
    this.task = task;
    this.mapper = mapper;
    this.json = json;
    this.batch = new Batch(runner.destination(mapper.columnNames()));
    this.inserter =
        new BatchInserter<>(
            name + "-insert", (batch, positions) -> task.deliver(batch, positions, runner));
  }

  void stop() {
    stopping = true;
    task.wakeup();
  }

  SourceTask<P> task() {
    return task;
  }

  @Override
  public void run() {
    try {
      task.open(this);
      while (!stopping && !task.finished()) {
        task.poll(pollTimeout(), this);
        lag = task.lag().orElse(-1);
        runner.observeActivity(task);
        commit(inserter.completed());
        boolean full = batch.rowCount() >= runner.maxRows() || batch.bytes() >= runner.maxBytes();
        if (full
            || batch.ageMillis() >= runner.maxWaitMillis()
            || drainingBacklog && !batch.isEmpty() && caughtUp()) {
          drainingBacklog = full;
          handOver();
        }
      }
      if (stopping) {
        flush();
      } else {
        flushOrFail();
      }
    } catch (PipeFailure e) {
      runner.fail(e.getMessage(), e);
    } catch (RuntimeException e) {
      runner.fail("the pipe's source failed: " + e, e);
    } finally {
      inserter.close();
      try {
        task.close();
      } catch (RuntimeException e) {
        log.debug("closing the source task: {}", e.toString());
      }
    }
  }

  /** Whether the task has read everything its source holds, as of its last poll. */
  private boolean caughtUp() {
    return lag == 0;
  }

  /** The task's lag as of its last poll. */
  OptionalLong lag() {
    long value = lag;
    return value < 0 ? OptionalLong.empty() : OptionalLong.of(value);
  }

  /** Polls no longer than the batch may still wait, so that it is inserted on time. */
  private Duration pollTimeout() {
    // while an insert is in flight, come back soon to commit its positions: a crash in between
    // replays it
    long limit = inserter.busy() ? 10 : 200;
    return Duration.ofMillis(
        batch.isEmpty()
            ? limit
            : Math.max(1, Math.min(limit, runner.maxWaitMillis() - batch.ageMillis())));
  }

  @Override
  public void fetched(long bytes, long timestampMillis) {
    runner.stats().fetched(bytes);
    batch.noteTimestamp(timestampMillis);
  }

  @Override
  public boolean addVerbatim(byte[] message) {
    if (!mapper.isVerbatim(message)) {
      return false;
    }
    batch.addVerbatimRow(message);
    return true;
  }

  @Override
  public void add(SourceRecord record) {
    try {
      batch.addRow(mapper.map(record));
    } catch (RowMapper.RowException e) {
      batch.addError(ErrorRows.line(json, record, e.getMessage()));
    }
  }

  @Override
  public void addRow(TargetTable table, byte[] line) {
    batch.addRow(table, line);
  }

  @Override
  public void addError(SourceRecord record, String reason) {
    batch.addError(ErrorRows.line(json, record, reason));
  }

  /**
   * Hands the batch to the inserter with the positions it ends at; commits those of the batch
   * before.
   */
  private void handOver() {
    if (batch.isEmpty()) {
      return;
    }
    commit(inserter.send(batch.seal(), task.take()));
  }

  /** Delivers what the batch holds, waits for every delivery of this worker, and commits. */
  private void flushOrFail() {
    handOver();
    commit(inserter.drain());
  }

  private void commit(P positions) {
    if (positions != null) {
      task.commit(positions);
    }
  }

  @Override
  public void flush() {
    try {
      flushOrFail();
    } catch (RuntimeException e) {
      log.warn(
          "pipe {}: flush failed; the records will be read again: {}", runner.id(), e.getMessage());
    }
  }
}
