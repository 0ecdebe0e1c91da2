package dev.chplane.provision;

/**
 * What one read-only Query API query may use on a service: the settings {@code max_execution_time}
 * (seconds), {@code max_memory_usage} (bytes) and {@code max_rows_to_read} of the read-only query
 * user's profile (18.16 and current releases have all three). A query that goes past one is stopped
 * by ClickHouse with its error. Zero means no limit, as in ClickHouse.
 */
public record QueryLimits(long maxExecutionSeconds, long maxMemoryUsageBytes, long maxRowsToRead) {
  /** 60 s, 4 GiB and 10 billion rows. */
  public static final QueryLimits DEFAULTS = new QueryLimits(60, 4L << 30, 10_000_000_000L);

  public QueryLimits {
    if (maxExecutionSeconds < 0 || maxMemoryUsageBytes < 0 || maxRowsToRead < 0) {
      throw new IllegalArgumentException("query limits must not be negative");
    }
  }
}
