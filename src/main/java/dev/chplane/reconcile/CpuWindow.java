package dev.chplane.reconcile;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Optional;

/**
 * The CPU samples of one service's replicas over a sliding window, and their average: each sample
 * is, per replica, the server's cumulative CPU time in microseconds (a counter that only grows
 * while the server runs) taken at one moment. The average over the window is the CPU time all
 * replicas used between the oldest sample that still covers the window and the newest, divided by
 * that wall time and by the number of replicas: the load in cores per replica (1.0 = one core busy
 * all the time on each replica). A sample with another replica count, or with a counter that went
 * down (a replica restarted), starts the window over.
 */
final class CpuWindow {
  private record Sample(long atNanos, long[] cpuMicros) {}

  private final Duration window;
  private final Deque<Sample> samples = new ArrayDeque<>();

  CpuWindow(Duration window) {
    this.window = window;
  }

  /** Adds a sample taken at {@code atNanos} (monotonic), one value per replica by index. */
  void add(long atNanos, long[] cpuMicros) {
    Sample last = samples.peekLast();
    if (last != null && !continues(last.cpuMicros(), cpuMicros)) {
      samples.clear();
    }
    samples.addLast(new Sample(atNanos, cpuMicros.clone()));
    // keep the newest sample that is at least a window old, as the window's base
    while (samples.size() > 1) {
      Sample second = samples.stream().skip(1).findFirst().orElseThrow();
      if (atNanos - second.atNanos() >= window.toNanos()) {
        samples.removeFirst();
      } else {
        break;
      }
    }
  }

  private static boolean continues(long[] before, long[] after) {
    if (before.length != after.length) {
      return false;
    }
    for (int i = 0; i < before.length; i++) {
      if (after[i] < before[i]) {
        return false;
      }
    }
    return true;
  }

  /** Forgets every sample (after a change of the replica count). */
  void clear() {
    samples.clear();
  }

  /**
   * The average load in cores per replica over the whole window; empty until the samples span at
   * least the window.
   */
  Optional<Double> coresPerReplica() {
    if (samples.size() < 2) {
      return Optional.empty();
    }
    Sample first = samples.peekFirst();
    Sample last = samples.peekLast();
    long spanNanos = last.atNanos() - first.atNanos();
    if (spanNanos < window.toNanos()) {
      return Optional.empty();
    }
    long used = Arrays.stream(last.cpuMicros()).sum() - Arrays.stream(first.cpuMicros()).sum();
    double spanMicros = spanNanos / 1000.0;
    return Optional.of(used / spanMicros / last.cpuMicros().length);
  }
}
