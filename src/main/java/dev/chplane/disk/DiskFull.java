package dev.chplane.disk;

import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;

/** Whether a failure was caused by a full file system, read from its cause chain. */
public final class DiskFull {
  /** H2's code for "no disk space available" (org.h2.api.ErrorCode.NO_DISK_SPACE_AVAILABLE). */
  private static final int H2_NO_DISK_SPACE = 90100;

  /** H2's code for "the database has been closed" (org.h2.api.ErrorCode.DATABASE_IS_CLOSED). */
  private static final int H2_CLOSED = 90098;

  private DiskFull() {}

  /**
   * True when an exception in the chain (causes and suppressed ones) says the file system is full:
   * the JDK's {@code IOException} with the system's text for ENOSPC or EDQUOT, as H2 and file
   * writes pass it on (H2 keeps it as the cause of "General error" and of "The database has been
   * closed" once a write failed), or H2's own error code for it.
   */
  public static boolean causedBy(Throwable failure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    return causedBy(failure, seen);
  }

  /**
   * True when the chain holds H2's "the database has been closed", which follows a failed write.
   */
  public static boolean closedStore(Throwable failure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getErrorCode() == H2_CLOSED) {
        return true;
      }
    }
    return false;
  }

  private static boolean causedBy(Throwable t, Map<Throwable, Boolean> seen) {
    if (t == null || seen.put(t, Boolean.TRUE) != null) {
      return false;
    }
    String message = t.getMessage();
    if (message != null
        && (message.contains("No space left on device")
            || message.contains("Disk quota exceeded"))) {
      return true;
    }
    if (t instanceof SQLException sql && sql.getErrorCode() == H2_NO_DISK_SPACE) {
      return true;
    }
    if (t instanceof SQLException sql && causedBy(sql.getNextException(), seen)) {
      return true;
    }
    for (Throwable suppressed : t.getSuppressed()) {
      if (causedBy(suppressed, seen)) {
        return true;
      }
    }
    return causedBy(t.getCause(), seen);
  }
}
