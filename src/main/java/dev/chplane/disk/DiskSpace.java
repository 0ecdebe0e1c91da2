package dev.chplane.disk;

import dev.chplane.domain.DomainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The free space of the file systems chplane writes to: the one holding the data directory (the
 * metadata store, every service's data) and, when backups go to a directory, the one holding it.
 * Below {@link #minFreeBytes} new services and backups are refused; below twice that, a warning is
 * logged. Warnings go to the log when a disk gets low, when it falls below the minimum, and then at
 * most every {@link #REPEAT_WARNING} while it stays there; a disk that has room again is logged
 * once.
 */
public final class DiskSpace {
  public static final Duration REPEAT_WARNING = Duration.ofMinutes(10);
  private static final Logger log = LoggerFactory.getLogger(DiskSpace.class);
  private static final long MIB = 1024 * 1024;

  /** How much room a disk has left. */
  public enum Level {
    ENOUGH,
    LOW,
    BELOW_MINIMUM
  }

  /** One watched directory: what it is for, its path, and what was last logged about it. */
  private static final class Watched {
    final String role;
    final Path dir;
    Level logged = Level.ENOUGH;
    Instant loggedAt = Instant.MIN;

    Watched(String role, Path dir) {
      this.role = role;
      this.dir = dir;
    }
  }

  /** The free space of one watched directory's file system, as just measured. */
  public record Reading(String role, Path dir, long freeBytes) {
    /** {@code data} or {@code backup}. */
    public String directory() {
      return role.substring(0, role.indexOf(' '));
    }
  }

  private final List<Watched> watched = new ArrayList<>();
  private final long minFreeBytes;
  private final Clock clock;

  /**
   * @param dataDir the data directory
   * @param backupDir the backup directory, or null when backups do not go to a local directory
   * @param minFreeBytes below this, new services and backups are refused (0 turns the check off)
   */
  public DiskSpace(Path dataDir, Path backupDir, long minFreeBytes, Clock clock) {
    watched.add(new Watched("data directory", dataDir.toAbsolutePath()));
    if (backupDir != null) {
      watched.add(new Watched("backup directory", backupDir.toAbsolutePath()));
    }
    this.minFreeBytes = minFreeBytes;
    this.clock = clock;
  }

  public long minFreeBytes() {
    return minFreeBytes;
  }

  public Path dataDir() {
    return watched.get(0).dir;
  }

  /** Measures every watched directory and logs what changed (see the class comment). */
  public synchronized List<Reading> check() {
    List<Reading> readings = new ArrayList<>();
    for (Watched w : watched) {
      Optional<Long> free = freeBytes(w.dir);
      if (free.isEmpty()) {
        continue;
      }
      readings.add(new Reading(w.role, w.dir, free.get()));
      warn(w, free.get());
    }
    return readings;
  }

  /** Refuses a new service (507) while the data directory's disk is below the minimum. */
  public void requireRoomForNewService() {
    for (Reading r : check()) {
      if (r.role().equals("data directory") && below(r)) {
        throw DomainException.storageFull(
            "the disk holding chplane's data directory ("
                + r.dir()
                + ") has "
                + mib(r.freeBytes())
                + " MiB free, less than the "
                + mib(minFreeBytes)
                + " MiB chplane keeps free (--min-free-disk-mb): new services are refused until space is freed"
                + " on that disk; existing services keep running");
      }
    }
  }

  /** Why a backup may not be taken now: a watched disk below the minimum. */
  public Optional<String> whyNoBackup() {
    for (Reading r : check()) {
      if (below(r)) {
        return Optional.of(
            "the disk holding the "
                + r.role()
                + " ("
                + r.dir()
                + ") has "
                + mib(r.freeBytes())
                + " MiB free, less than the "
                + mib(minFreeBytes)
                + " MiB chplane keeps free (--min-free-disk-mb)");
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the disk explains {@code failure}: the failure says the disk is full ({@link
   * DiskFull}), or the embedded store was closed (as H2 does after a failed write) while the data
   * directory's disk is below the minimum.
   */
  public boolean explains(Throwable failure) {
    if (DiskFull.causedBy(failure)) {
      return true;
    }
    return DiskFull.closedStore(failure)
        && freeBytes(dataDir()).map(free -> free < minFreeBytes).orElse(false);
  }

  /** The API's answer to a request that failed because the disk is full. */
  public DomainException full() {
    String free = freeBytes(dataDir()).map(b -> " (" + mib(b) + " MiB free now)").orElse("");
    return DomainException.storageFull(
        "the disk holding chplane's data directory ("
            + dataDir()
            + ") is full"
            + free
            + ", so the request could not be completed: free space on that disk"
            + " and retry; chplane resumes by itself once there is room");
  }

  private boolean below(Reading r) {
    return r.freeBytes() < minFreeBytes;
  }

  private void warn(Watched w, long free) {
    Level level =
        free < minFreeBytes
            ? Level.BELOW_MINIMUM
            : free < 2 * minFreeBytes ? Level.LOW : Level.ENOUGH;
    Instant now = clock.instant();
    boolean changed = level != w.logged;
    if (!changed && (level == Level.ENOUGH || now.isBefore(w.loggedAt.plus(REPEAT_WARNING)))) {
      return;
    }
    switch (level) {
      case BELOW_MINIMUM ->
          log.warn(
              "the disk holding the {} {} has {} MiB free, less than --min-free-disk-mb"
                  + " ({} MiB): new services and backups are refused until space is freed",
              w.role,
              w.dir,
              mib(free),
              mib(minFreeBytes));
      case LOW ->
          log.warn(
              "the disk holding the {} {} is running out of space: {} MiB free; below {} MiB"
                  + " (--min-free-disk-mb) new services and backups are refused",
              w.role,
              w.dir,
              mib(free),
              mib(minFreeBytes));
      case ENOUGH ->
          log.info(
              "the disk holding the {} {} has room again: {} MiB free", w.role, w.dir, mib(free));
    }
    w.logged = level;
    w.loggedAt = now;
  }

  private static Optional<Long> freeBytes(Path dir) {
    try {
      return Optional.of(Files.getFileStore(dir).getUsableSpace());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static long mib(long bytes) {
    return bytes / MIB;
  }
}
