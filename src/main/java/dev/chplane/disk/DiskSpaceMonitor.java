package dev.chplane.disk;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks {@link DiskSpace} every {@link #EVERY}, so a disk running out is logged before anything
 * needs it.
 */
public final class DiskSpaceMonitor implements AutoCloseable {
  public static final Duration EVERY = Duration.ofSeconds(30);
  private static final Logger log = LoggerFactory.getLogger(DiskSpaceMonitor.class);

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "disk-space");
            t.setDaemon(true);
            return t;
          });

  public DiskSpaceMonitor(DiskSpace disk) {
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            disk.check();
          } catch (RuntimeException e) {
            log.warn("checking free disk space failed: {}", e.toString());
          }
        },
        0,
        EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
