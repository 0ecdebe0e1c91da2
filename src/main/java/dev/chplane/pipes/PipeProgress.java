package dev.chplane.pipes;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What each running pipe did since it was last reported, at most once per {@code every}, so that
 * the log shows rows moving (or not) without a line per batch. Not thread-safe: the supervisor's
 * timer thread is its only user.
 */
final class PipeProgress {
  private record Reported(long atNanos, PipeSupervisor.Counters counters) {}

  private final Duration every;
  private final Map<UUID, Reported> last = new HashMap<>();

  PipeProgress(Duration every) {
    this.every = every;
  }

  /**
   * The line to log for this pipe now, if one is due; the first call for a pipe only starts its
   * clock.
   */
  Optional<String> due(UUID pipe, String name, PipeSupervisor.Counters now, long nowNanos) {
    Reported before = last.get(pipe);
    if (before == null) {
      last.put(pipe, new Reported(nowNanos, now));
      return Optional.empty();
    }
    if (nowNanos - before.atNanos() < every.toNanos()) {
      return Optional.empty();
    }
    last.put(pipe, new Reported(nowNanos, now));
    PipeSupervisor.Counters was = before.counters();
    long seconds = Math.max(1, (nowNanos - before.atNanos()) / 1_000_000_000L);
    long rows = now.sentEvents() - was.sentEvents();
    return Optional.of(
        String.format(
            java.util.Locale.ROOT,
            "pipe %s (%s): %d messages read, %d rows inserted (%d rows/s), %d errors in the"
                + " last %d s; %d rows in total since chplane started%s",
            pipe,
            name,
            now.fetchedEvents() - was.fetchedEvents(),
            rows,
            rows / seconds,
            now.errors() - was.errors(),
            seconds,
            now.sentEvents(),
            Double.isNaN(now.latencySeconds())
                ? ""
                : String.format(
                    java.util.Locale.ROOT, "; last batch latency %.1f s", now.latencySeconds())));
  }

  /** Forgets a pipe whose workers stopped. */
  void forget(UUID pipe) {
    last.remove(pipe);
  }
}
