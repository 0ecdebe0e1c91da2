package dev.chplane.pipes;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.PipeSpec;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.Sql;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pipe: one {@link SourceWorker} per task of its source, each on its own thread, and the
 * {@link Delivery} they share. Inserts that fail are retried with backoff; when the destination
 * stays unreachable (or no task reads anything) for longer than the failure window, the pipe fails
 * with the reason.
 */
final class PipeRunner implements Delivery {
  private static final Logger log = LoggerFactory.getLogger(PipeRunner.class);
  static final int DEFAULT_MAX_ROWS = 100_000;
  static final int DEFAULT_MAX_BYTES = 32 << 20;
  static final int DEFAULT_MAX_WAIT_MS = 5_000;

  private final ClickPipe pipe;
  private final PipeServer server;
  private final Duration failureWindow;
  private final List<SourceWorker<?>> workers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Instant startedAt = Instant.now();
  private final PipeStats stats;
  private volatile boolean consuming;
  private volatile String failure;

  PipeRunner(ClickPipe pipe, PipeServer server, Duration failureWindow, PipeStats stats) {
    this.pipe = pipe;
    this.stats = stats;
    this.server = server;
    this.failureWindow = failureWindow;
  }

  /** Starts a worker for each task. */
  void start(List<SourceTask<?>> tasks, ObjectMapper json) {
    PipeSpec spec = pipe.spec();
    for (SourceTask<?> task : tasks) {
      RowMapper mapper = new RowMapper(json, spec.destination().columns(), spec.fieldMappings());
      String name = "pipe-" + pipe.id().toString().substring(0, 8) + "-" + workers.size();
      SourceWorker<?> worker = new SourceWorker<>(this, name, task, mapper, json);
      Thread t = new Thread(worker, name);
      t.setDaemon(true);
      workers.add(worker);
      threads.add(t);
    }
    threads.forEach(Thread::start);
    log.info(
        "pipe {} ({}): started {} worker(s) on its {} source",
        pipe.id(),
        spec.name(),
        workers.size(),
        spec.source().type());
  }

  /** Stops every worker after it flushed what it holds; returns when they are gone. */
  void stop() {
    workers.forEach(SourceWorker::stop);
    for (Thread t : threads) {
      try {
        t.join(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  UUID id() {
    return pipe.id();
  }

  ClickPipe pipe() {
    return pipe;
  }

  int maxRows() {
    return DEFAULT_MAX_ROWS;
  }

  int maxBytes() {
    return DEFAULT_MAX_BYTES;
  }

  long maxWaitMillis() {
    Object v = pipe.spec().settings().get("streaming_max_insert_wait_ms");
    return v instanceof Number n ? n.longValue() : DEFAULT_MAX_WAIT_MS;
  }

  /** The pipe's destination table, for rows with these columns. */
  TargetTable destination(List<String> columns) {
    PipeSpec.Destination d = pipe.spec().destination();
    return new TargetTable(d.database(), d.table(), columns);
  }

  String errorInsertQuery() {
    PipeSpec.Destination d = pipe.spec().destination();
    return "INSERT INTO "
        + Sql.name(d.database())
        + "."
        + Sql.name(errorTable(d.table()))
        + " FORMAT JSONEachRow";
  }

  static String errorTable(String table) {
    return table + "_clickpipes_error";
  }

  @Override
  public void insert(SealedBatch batch) {
    for (SealedBatch.TableRows rows : batch.tables()) {
      insertRows(rows, rows.table());
    }
    insertErrors(batch);
    delivered(batch);
  }

  @Override
  public void insertRows(SealedBatch.TableRows rows, TargetTable into) {
    if (rows.rowCount() > 0) {
      retrying(
          () -> {
            server.insert(into.insertQuery(), VerbatimRows.INSERT_SETTINGS, rows.rows());
            return null;
          });
      stats.sent(rows.rowCount(), rows.rows().length);
    }
  }

  @Override
  public void insertErrors(SealedBatch batch) {
    if (batch.errorCount() > 0) {
      retrying(
          () -> {
            server.insert(errorInsertQuery(), Map.of(), batch.errors());
            return null;
          });
      stats.errors(batch.errorCount());
    }
  }

  @Override
  public String query(String sql) {
    return retrying(() -> server.query(sql));
  }

  @Override
  public void delivered(SealedBatch batch) {
    if (batch.oldestTimestampMillis() != Long.MAX_VALUE) {
      stats.latency(System.currentTimeMillis() - batch.oldestTimestampMillis());
    }
  }

  private interface ServerCall<T> {
    T run() throws ProvisionException;
  }

  /**
   * Calls the server, retrying with backoff until the failure window is spent. Each failed attempt
   * counts as an error of the pipe.
   */
  private <T> T retrying(ServerCall<T> call) {
    long firstFailure = 0;
    long backoff = 250;
    while (true) {
      try {
        return call.run();
      } catch (ProvisionException e) {
        stats.errors(1);
        long now = System.nanoTime();
        firstFailure = firstFailure == 0 ? now : firstFailure;
        if (Duration.ofNanos(now - firstFailure).compareTo(failureWindow) > 0) {
          throw new PipeFailure(
              "the destination table did not accept rows for "
                  + failureWindow.toSeconds()
                  + " s: "
                  + e.getMessage(),
              e);
        }
        log.warn(
            "pipe {}: insert failed, retrying in {} ms: {}", pipe.id(), backoff, e.getMessage());
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new PipeFailure("interrupted while retrying an insert", ie);
        }
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }

  /** After a poll: a pipe none of whose tasks has read anything for the failure window fails. */
  void observeActivity(SourceTask<?> task) {
    if (task.active()) {
      consuming = true;
    } else if (!consuming
        && Duration.between(startedAt, Instant.now()).compareTo(failureWindow) > 0) {
      throw new PipeFailure(task.inactiveReason(failureWindow), null);
    }
  }

  /**
   * What the pipe's source holds that was not read yet, over every task; empty while one does not
   * know.
   */
  OptionalLong lag() {
    long total = 0;
    for (SourceWorker<?> w : workers) {
      OptionalLong lag = w.lag();
      if (lag.isEmpty()) {
        return OptionalLong.empty();
      }
      total += lag.getAsLong();
    }
    return OptionalLong.of(total);
  }

  /** The phase of the pipe: a snapshot while any task is still in one. */
  SourcePhase phase() {
    return workers.stream().anyMatch(w -> w.task().phase() == SourcePhase.SNAPSHOT)
        ? SourcePhase.SNAPSHOT
        : SourcePhase.STREAM;
  }

  PipeStats stats() {
    return stats;
  }

  void fail(String reason, Throwable cause) {
    if (failure == null) {
      failure = reason;
      log.error("pipe {} ({}) failed: {}", pipe.id(), pipe.spec().name(), reason);
    }
  }

  boolean consuming() {
    return consuming;
  }

  String failure() {
    return failure;
  }
}
