package dev.chplane.reconcile;

import dev.chplane.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link Scheduler} whose time moves only when a test calls {@link #advance}; tasks run on the
 * caller's thread.
 */
final class ManualScheduler implements Scheduler {
  private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T12:00:00Z"));
  private final List<Task> tasks = new ArrayList<>();

  private static final class Task implements Cancellable {
    final Instant due;
    final Runnable run;
    boolean cancelled;

    Task(Instant due, Runnable run) {
      this.due = due;
      this.run = run;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    Task t = new Task(clock.instant().plus(delay), task);
    tasks.add(t);
    return t;
  }

  /**
   * Moves time on by {@code by}, running every task that falls due (and those they schedule), in
   * order.
   */
  void advance(Duration by) {
    Instant until = clock.instant().plus(by);
    while (true) {
      Task next;
      synchronized (this) {
        next =
            tasks.stream()
                .filter(t -> !t.due.isAfter(until))
                .min(Comparator.comparing(t -> t.due))
                .orElse(null);
        if (next == null) {
          clock.advance(Duration.between(clock.instant(), until));
          return;
        }
        tasks.remove(next);
        if (next.due.isAfter(clock.instant())) {
          clock.advance(Duration.between(clock.instant(), next.due));
        }
      }
      if (!next.cancelled) {
        next.run.run();
      }
    }
  }

  /**
   * The scheduler's time as a {@link System#nanoTime()}-like count: nanoseconds since the epoch.
   */
  long nanoTime() {
    return Duration.between(Instant.EPOCH, clock.instant()).toNanos();
  }

  /** Tasks waiting, cancelled ones left out. */
  synchronized int pending() {
    return (int) tasks.stream().filter(t -> !t.cancelled).count();
  }

  @Override
  public synchronized void close() {
    tasks.clear();
  }
}
