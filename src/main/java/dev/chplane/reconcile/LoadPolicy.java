package dev.chplane.reconcile;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * When horizontal autoscaling changes a service's replica count: one more replica when the average
 * CPU load over {@link #WINDOW} is above {@link #SCALE_UP_ABOVE} of a core per replica, one fewer
 * when it is below {@link #SCALE_DOWN_BELOW}, always within {@code minReplicas..maxReplicas}, and
 * at most once per {@link #COOL_DOWN} (a new replica needs time to catch up and take load, and the
 * load of the remaining ones needs time to settle after a removal). A count outside the band (the
 * band changed) is brought back into it at once, without waiting for load or cool-down.
 */
final class LoadPolicy {
  /** The window the CPU load is averaged over. */
  static final Duration WINDOW = Duration.ofSeconds(60);

  /** How often the replicas' CPU counters are read. */
  static final Duration SAMPLE_EVERY = Duration.ofSeconds(10);

  /** Cores per replica above which a replica is added. */
  static final double SCALE_UP_ABOVE = 0.70;

  /** Cores per replica below which a replica is removed. */
  static final double SCALE_DOWN_BELOW = 0.20;

  /** The least time between two changes of a service's replica count. */
  static final Duration COOL_DOWN = Duration.ofMinutes(5);

  /** A change of replica count, and why. */
  record Change(int from, int to, String why) {}

  private LoadPolicy() {}

  /**
   * @param current the replicas that run now
   * @param load the average cores per replica over the window, empty when the window is not full
   * @param sinceLastChange the time since the last change of the count, empty if none is known
   */
  static Optional<Change> decide(
      int current, int min, int max, Optional<Double> load, Optional<Duration> sinceLastChange) {
    if (current < min || current > max) {
      int to = Math.max(min, Math.min(max, current));
      return Optional.of(
          new Change(current, to, "the replica count is kept within " + min + ".." + max));
    }
    if (load.isEmpty()
        || sinceLastChange.isPresent() && sinceLastChange.get().compareTo(COOL_DOWN) < 0) {
      return Optional.empty();
    }
    double cores = load.get();
    if (cores > SCALE_UP_ABOVE && current < max) {
      return Optional.of(new Change(current, current + 1, reason(cores, "above", SCALE_UP_ABOVE)));
    }
    if (cores < SCALE_DOWN_BELOW && current > min) {
      return Optional.of(
          new Change(current, current - 1, reason(cores, "below", SCALE_DOWN_BELOW)));
    }
    return Optional.empty();
  }

  private static String reason(double cores, String side, double threshold) {
    return String.format(
        Locale.ROOT,
        "average CPU load %.0f %% of a core per replica over the last %d s is %s %.0f %%",
        cores * 100,
        WINDOW.toSeconds(),
        side,
        threshold * 100);
  }
}
