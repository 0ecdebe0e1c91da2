package dev.chplane.store;

import dev.chplane.security.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcConnectionPool;

/** Opens the embedded metadata store: an H2 database file under {@code <data-dir>/meta}. */
public final class EmbeddedStore {
  private EmbeddedStore() {}

  /**
   * True if the store in {@code metaDir} has been made (opening makes it when it does not exist).
   */
  public static boolean exists(Path metaDir) {
    return java.nio.file.Files.exists(metaDir.resolve("chplane.mv.db"));
  }

  public static MetadataStore open(Path metaDir) {
    return open(metaDir, WriteObserver.NONE);
  }

  /**
   * Opens the store with an observer of every write (tests use it to cut transactions short).
   *
   * @throws StoreException whose message says what to do when the database is in use or damaged
   */
  public static MetadataStore open(Path metaDir, WriteObserver observer) {
    // the database holds key hashes and the schema: owner-only, and so is what H2 creates in it
    // later
    ownerOnly(metaDir);
    // WRITE_DELAY=0: a commit reaches the file before the call returns, so a kill -9 loses nothing;
    // QUERY_CACHE_SIZE: each pooled session keeps all of chplane's statements parsed;
    // TRACE_LEVEL_FILE=0: no .trace.db, which H2 would create with the umask's mode (errors reach
    // chplane's log)
    String url =
        "jdbc:h2:file:"
            + metaDir.toAbsolutePath().resolve("chplane")
            + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=64;TRACE_LEVEL_FILE=0";
    JdbcConnectionPool pool = JdbcConnectionPool.create(url, "chplane", "");
    MetadataStore store;
    try {
      store = new JdbcMetadataStore(pool, pool::dispose, observer);
    } catch (RuntimeException e) {
      pool.dispose();
      throw new StoreException(explain(metaDir.toAbsolutePath(), e), e);
    }
    ownerOnly(metaDir);
    return store;
  }

  /** The directory 0700 and the files H2 made in it 0600. */
  private static void ownerOnly(Path metaDir) {
    try {
      OwnerOnlyFiles.createDirectories(metaDir);
      OwnerOnlyFiles.restrictTree(metaDir, dir -> false);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot make the metadata directory " + metaDir + " owner-only", e);
    }
  }

  private static String explain(Path metaDir, RuntimeException e) {
    SQLException sql = null;
    for (Throwable t = e; t != null && sql == null; t = t.getCause()) {
      if (t instanceof SQLException found) {
        sql = found;
      }
    }
    String detail = firstLine(sql != null ? sql : e);
    if (sql == null) {
      return "cannot open the embedded metadata store in " + metaDir + ": " + detail;
    }
    return switch (sql.getErrorCode()) {
      case ErrorCode.DATABASE_ALREADY_OPEN_1 ->
          "the embedded metadata store in "
              + metaDir
              + " is in use by another"
              + " program (another chplane, the H2 console, or a chplane command such as rotate-credentials-key): stop it,"
              + " then start chplane again";
      case ErrorCode.FILE_CORRUPTED_1, ErrorCode.FILE_VERSION_ERROR_1, ErrorCode.GENERAL_ERROR_1 ->
          "the embedded metadata store in "
              + metaDir
              + " is damaged and cannot be read ("
              + detail
              + "): restore "
              + metaDir
              + " from a backup of the data directory, then start chplane again; nothing was changed";
      default ->
          "cannot open the embedded metadata store in "
              + metaDir
              + " ("
              + detail
              + "): check that the"
              + " directory is readable and writable by this user and that its disk has space";
    };
  }

  private static String firstLine(Throwable t) {
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return message.lines().findFirst().orElse("").strip();
  }
}
