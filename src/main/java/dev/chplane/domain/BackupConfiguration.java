package dev.chplane.domain;

/**
 * Backup settings as the client set them; null means the default. When {@code startTime} is set the
 * period in effect is 24 hours whatever {@code periodHours} says.
 */
public record BackupConfiguration(Integer periodHours, Integer retentionHours, String startTime) {
  public static final int DEFAULT_PERIOD_HOURS = 24;
  public static final int DEFAULT_RETENTION_HOURS = 24;

  public static BackupConfiguration defaults() {
    return new BackupConfiguration(null, null, null);
  }

  public int effectivePeriodHours() {
    if (startTime != null) {
      return 24;
    }
    return periodHours == null ? DEFAULT_PERIOD_HOURS : periodHours;
  }

  public int effectiveRetentionHours() {
    return retentionHours == null ? DEFAULT_RETENTION_HOURS : retentionHours;
  }
}
