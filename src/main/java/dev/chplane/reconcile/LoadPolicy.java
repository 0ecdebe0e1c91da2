package dev.chplane.reconcile;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * When horizontal autoscaling changes a service's replica count: one more replica when the average
 * CPU load over {@link #window} is above {@link #scaleUpAbove} of a core per replica, one fewer
 * when it is below {@link #scaleDownBelow}, always within {@code minReplicas..maxReplicas}, and at
 * most once per {@link #coolDown} (a new replica needs time to catch up and take load, and the load
 * of the remaining ones needs time to settle after a removal). A count outside the band (the band
 * changed) is brought back into it at once, without waiting for load or cool-down.
 *
 * <p>Invariants (checked on construction): the window and the cool-down are at least a second, and
 * {@code 0 <= scaleDownBelow < scaleUpAbove}.
 *
 * @param window the window the CPU load is averaged over ({@link #DEFAULT}: 60 s)
 * @param scaleUpAbove cores per replica above which a replica is added (0.70)
 * @param scaleDownBelow cores per replica below which a replica is removed (0.20)
 * @param coolDown the least time between two changes of a service's replica count (5 minutes)
 */
public record LoadPolicy(
    Duration window, double scaleUpAbove, double scaleDownBelow, Duration coolDown) {

  /** The documented installation defaults. */
  public static final LoadPolicy DEFAULT =
      new LoadPolicy(Duration.ofSeconds(60), 0.70, 0.20, Duration.ofMinutes(5));

  /** The longest time between two reads of the replicas' CPU counters. */
  static final Duration MAX_SAMPLE_EVERY = Duration.ofSeconds(10);

  /** A change of replica count, and why. */
  record Change(int from, int to, String why) {}

  public LoadPolicy {
    if (window.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("the load window must be at least 1 s, not " + window);
    }
    if (coolDown.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("the cool-down must be at least 1 s, not " + coolDown);
    }
    if (!(scaleDownBelow >= 0 && scaleDownBelow < scaleUpAbove)) {
      throw new IllegalArgumentException(
          "the scale-down threshold ("
              + scaleDownBelow
              + ") must be at least 0 and below the scale-up threshold ("
              + scaleUpAbove
              + ")");
    }
  }

  /**
   * How often the replicas' CPU counters are read: every 10 s, or a quarter of a shorter window (so
   * that a window holds enough samples).
   */
  Duration sampleEvery() {
    Duration quarter = window.dividedBy(4);
    return quarter.compareTo(MAX_SAMPLE_EVERY) < 0 ? quarter : MAX_SAMPLE_EVERY;
  }

  /**
   * @param current the replicas that run now
   * @param load the average cores per replica over the window, empty when the window is not full
   * @param sinceLastChange the time since the last change of the count, empty if none is known
   */
  Optional<Change> decide(
      int current, int min, int max, Optional<Double> load, Optional<Duration> sinceLastChange) {
    if (current < min || current > max) {
      int to = Math.max(min, Math.min(max, current));
      return Optional.of(
          new Change(current, to, "the replica count is kept within " + min + ".." + max));
    }
    if (load.isEmpty()
        || sinceLastChange.isPresent() && sinceLastChange.get().compareTo(coolDown) < 0) {
      return Optional.empty();
    }
    double cores = load.get();
    if (cores > scaleUpAbove && current < max) {
      return Optional.of(new Change(current, current + 1, reason(cores, "above", scaleUpAbove)));
    }
    if (cores < scaleDownBelow && current > min) {
      return Optional.of(new Change(current, current - 1, reason(cores, "below", scaleDownBelow)));
    }
    return Optional.empty();
  }

  /** The policy in words, for the log at start. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "a replica more above %.0f %% of a core per replica, one fewer below %.0f %%, averaged over"
            + " %d s, at most one change per %d s",
        scaleUpAbove * 100,
        scaleDownBelow * 100,
        window.toSeconds(),
        coolDown.toSeconds());
  }

  private String reason(double cores, String side, double threshold) {
    return String.format(
        Locale.ROOT,
        "average CPU load %.0f %% of a core per replica over the last %d s is %s %.0f %%",
        cores * 100,
        window.toSeconds(),
        side,
        threshold * 100);
  }
}
