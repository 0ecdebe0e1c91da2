package dev.chplane.pipes;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The running totals of one pipe, shared by its workers and kept by the {@link PipeSupervisor}
 * across restarts of its workers (a configuration change, scaling, stop and start) until the pipe
 * is deleted or chplane restarts.
 */
final class PipeStats {
  private final AtomicLong fetchedEvents = new AtomicLong();
  private final AtomicLong fetchedBytes = new AtomicLong();
  private final AtomicLong sentEvents = new AtomicLong();
  private final AtomicLong sentBytes = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();

  /**
   * Milliseconds of the last batch's latency; negative until a batch with Kafka timestamps was
   * inserted.
   */
  private final AtomicLong latencyMillis = new AtomicLong(-1);

  /** A message was polled: {@code bytes} of key and value. */
  void fetched(long bytes) {
    fetchedEvents.incrementAndGet();
    fetchedBytes.addAndGet(bytes);
  }

  /** A batch was inserted into the destination table. */
  void sent(long rows, long bytes) {
    sentEvents.addAndGet(rows);
    sentBytes.addAndGet(bytes);
  }

  /** Rows that went to the error table, or failed insert attempts. */
  void errors(long n) {
    errors.addAndGet(n);
  }

  /**
   * The last inserted batch: from the Kafka timestamp of its oldest message to the end of its
   * insert.
   */
  void latency(long millis) {
    latencyMillis.set(Math.max(0, millis));
  }

  PipeSupervisor.Counters snapshot() {
    long latency = latencyMillis.get();
    return new PipeSupervisor.Counters(
        fetchedEvents.get(),
        fetchedBytes.get(),
        sentEvents.get(),
        sentBytes.get(),
        errors.get(),
        latency < 0 ? Double.NaN : latency / 1000.0);
  }
}
