package dev.chplane.backup;

import dev.chplane.domain.BackupConfiguration;
import java.time.Duration;
import java.time.Instant;

/**
 * When backups are due, in units of a schedule "hour" that lasts {@link #hour} (an hour in
 * production; seconds in tests and demos). With a start time HH:MM the backup is due daily at that
 * time of a day of 24 such hours counted from the epoch (so in UTC when an hour is an hour);
 * otherwise every period after the previous one. A service's first backup is due one period (or at
 * the first start time) after it was created.
 */
public record BackupSchedule(Duration hour) {

  public static final BackupSchedule REAL_TIME = new BackupSchedule(Duration.ofHours(1));

  /** The moment the next backup is due, given the last one started (or the creation, if none). */
  public Instant nextDue(BackupConfiguration config, Instant since) {
    if (config.startTime() != null) {
      long day = hour.toNanos() * 24;
      String[] hm = config.startTime().split(":");
      long offset =
          hour.toNanos() * Integer.parseInt(hm[0]) + hour.toNanos() * Integer.parseInt(hm[1]) / 60;
      long sinceNanos = nanos(since);
      long dayStart = Math.floorDiv(sinceNanos, day) * day;
      long due = dayStart + offset;
      if (due <= sinceNanos) {
        due += day;
      }
      return Instant.EPOCH.plusNanos(due);
    }
    return since.plus(hour.multipliedBy(config.effectivePeriodHours()));
  }

  /** When a backup started at {@code startedAt} expires. */
  public Instant expiry(BackupConfiguration config, Instant startedAt) {
    return startedAt.plus(hour.multipliedBy(config.effectiveRetentionHours()));
  }

  /** How often the scheduler looks for due work: a minute of schedule time, at least 100 ms. */
  public Duration tick() {
    Duration minute = hour.dividedBy(60);
    return minute.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : minute;
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
