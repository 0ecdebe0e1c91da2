package dev.chplane.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long a service whose server could not start waits before the next attempt: {@link #FIRST}
 * after the first failure, doubling with each failure in a row, at most {@link #MAX}. A successful
 * start, or a user's start or stop, resets it. Kept in memory only: after a chplane restart a
 * failed service is tried once at once, then backs off again.
 */
final class StartBackoff {
  static final Duration FIRST = Duration.ofSeconds(5);
  static final Duration MAX = Duration.ofMinutes(5);

  private record Entry(int failures, Instant due) {}

  private final Clock clock;
  private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();

  StartBackoff(Clock clock) {
    this.clock = clock;
  }

  /** Notes one more failed attempt; returns how long the service waits before the next one. */
  Duration failed(UUID id) {
    Entry before = entries.get(id);
    int failures = before == null ? 1 : before.failures() + 1;
    Duration delay = delay(failures);
    entries.put(id, new Entry(failures, clock.instant().plus(delay)));
    return delay;
  }

  /** The wait left before the next attempt; empty when one may be made now. */
  Optional<Duration> remaining(UUID id) {
    Entry e = entries.get(id);
    if (e == null) {
      return Optional.empty();
    }
    Duration left = Duration.between(clock.instant(), e.due());
    return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
  }

  /** Failed attempts in a row so far. */
  int failures(UUID id) {
    Entry e = entries.get(id);
    return e == null ? 0 : e.failures();
  }

  void reset(UUID id) {
    entries.remove(id);
  }

  /** {@link #FIRST} doubled {@code failures - 1} times, at most {@link #MAX}. */
  static Duration delay(int failures) {
    Duration d = FIRST;
    for (int i = 1; i < failures && d.compareTo(MAX) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(MAX) > 0 ? MAX : d;
  }
}
