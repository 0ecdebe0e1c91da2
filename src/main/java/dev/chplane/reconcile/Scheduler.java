package dev.chplane.reconcile;

import java.time.Duration;

/** Runs tasks after a delay: the reconcile loop's only source of time, so tests can drive it. */
public interface Scheduler extends AutoCloseable {

  /**
   * Runs {@code task} once after {@code delay}; the returned handle cancels it if it has not run.
   */
  Cancellable schedule(Duration delay, Runnable task);

  /** Cancels what has not run yet. */
  @Override
  void close();

  /** A scheduled task that has not run yet, or has. */
  interface Cancellable {
    void cancel();
  }
}
