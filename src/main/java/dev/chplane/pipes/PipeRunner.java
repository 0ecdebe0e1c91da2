package dev.chplane.pipes;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.PipeSpec;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.ServiceAccess;
import dev.chplane.provision.Sql;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pipe: {@code scaling.replicas} workers in one consumer group, each on its own thread.
 * Inserts that fail are retried with backoff; when the destination stays unreachable (or the source
 * assigns no partitions) for longer than the failure window, the pipe fails with the reason.
 */
final class PipeRunner {
  private static final Logger log = LoggerFactory.getLogger(PipeRunner.class);
  static final int DEFAULT_MAX_ROWS = 100_000;
  static final int DEFAULT_MAX_BYTES = 32 << 20;
  static final int DEFAULT_MAX_WAIT_MS = 5_000;

  private final ClickPipe pipe;
  private final ServiceAccess access;
  private final Duration failureWindow;
  private final List<KafkaWorker> workers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Instant startedAt = Instant.now();
  private final PipeStats stats;
  private volatile boolean consuming;
  private volatile String failure;

  PipeRunner(ClickPipe pipe, ServiceAccess access, Duration failureWindow, PipeStats stats) {
    this.pipe = pipe;
    this.stats = stats;
    this.access = access;
    this.failureWindow = failureWindow;
  }

  void start(PipeCredentials credentials, ObjectMapper json) {
    PipeSpec spec = pipe.spec();
    for (int i = 0; i < spec.scaling().replicas(); i++) {
      RowMapper mapper = new RowMapper(json, spec.destination().columns(), spec.fieldMappings());
      String name = "pipe-" + pipe.id().toString().substring(0, 8) + "-" + i;
      KafkaWorker worker = new KafkaWorker(this, name, KafkaSettings.consumer(pipe.id(), i, spec.kafka(), credentials), mapper, json);
      Thread t = new Thread(worker, name);
      t.setDaemon(true);
      workers.add(worker);
      threads.add(t);
    }
    threads.forEach(Thread::start);
    log.info("pipe {} ({}): started {} worker(s) on {}", pipe.id(), spec.name(), workers.size(), spec.kafka().topics());
  }

  /** Stops every worker after it flushed what it holds; returns when they are gone. */
  void stop() {
    workers.forEach(KafkaWorker::stop);
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

  List<String> topics() {
    return pipe.spec().kafka().topicList();
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

  Instant offsetTimestamp() {
    PipeSpec.KafkaSource k = pipe.spec().kafka();
    if (!"from_timestamp".equals(k.offsetStrategy()) || k.offsetTimestamp() == null) {
      return null;
    }
    return LocalDateTime.parse(k.offsetTimestamp().replace(' ', 'T').replaceAll("Z$", "")).toInstant(ZoneOffset.UTC);
  }

  String insertQuery(List<String> columns) {
    PipeSpec.Destination d = pipe.spec().destination();
    return "INSERT INTO " + Sql.name(d.database()) + "." + Sql.name(d.table()) + " ("
        + String.join(", ", columns.stream().map(Sql::name).toList()) + ") FORMAT JSONEachRow";
  }

  String errorInsertQuery() {
    PipeSpec.Destination d = pipe.spec().destination();
    return "INSERT INTO " + Sql.name(d.database()) + "." + Sql.name(errorTable(d.table())) + " FORMAT JSONEachRow";
  }

  static String errorTable(String table) {
    return table + "_clickpipes_error";
  }

  /** Inserts a batch's rows, then its error rows, and counts them. */
  void deliver(Batch.Sealed batch, List<String> columns) {
    if (batch.rowCount() > 0) {
      insert(insertQuery(columns), VerbatimRows.INSERT_SETTINGS, batch.rows());
      stats.sent(batch.rowCount(), batch.rows().length);
    }
    if (batch.errorCount() > 0) {
      insert(errorInsertQuery(), java.util.Map.of(), batch.errors());
      stats.errors(batch.errorCount());
    }
    if (batch.oldestTimestampMillis() != Long.MAX_VALUE) {
      stats.latency(System.currentTimeMillis() - batch.oldestTimestampMillis());
    }
  }

  /**
   * Inserts, retrying with backoff until the failure window is spent. Each failed attempt counts as
   * an error of the pipe.
   */
  private void insert(String query, java.util.Map<String, String> settings, byte[] body) {
    long firstFailure = 0;
    long backoff = 250;
    while (true) {
      try {
        access.insert(query, settings, body);
        return;
      } catch (ProvisionException e) {
        stats.errors(1);
        long now = System.nanoTime();
        firstFailure = firstFailure == 0 ? now : firstFailure;
        if (Duration.ofNanos(now - firstFailure).compareTo(failureWindow) > 0) {
          throw new PipeFailure("the destination table did not accept rows for " + failureWindow.toSeconds()
              + " s: " + e.getMessage(), e);
        }
        log.warn("pipe {}: insert failed, retrying in {} ms: {}", pipe.id(), backoff, e.getMessage());
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

  void observeAssignment(boolean assigned) {
    if (assigned) {
      consuming = true;
    } else if (!consuming && Duration.between(startedAt, Instant.now()).compareTo(failureWindow) > 0) {
      throw new PipeFailure("no partition of " + pipe.spec().kafka().topics() + " was assigned within "
          + failureWindow.toSeconds() + " s: the brokers are unreachable or the topics do not exist", null);
    }
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
