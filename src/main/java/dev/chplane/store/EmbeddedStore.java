package dev.chplane.store;

import dev.chplane.security.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.h2.jdbcx.JdbcConnectionPool;

/** Opens the embedded metadata store: an H2 database file under {@code <data-dir>/meta}. */
public final class EmbeddedStore {
  private EmbeddedStore() {}

  public static MetadataStore open(Path metaDir) {
    return open(metaDir, WriteObserver.NONE);
  }

  /** Opens the store with an observer of every write (tests use it to cut transactions short). */
  public static MetadataStore open(Path metaDir, WriteObserver observer) {
    // the database holds key hashes and the schema: owner-only, and so is what H2 creates in it later
    ownerOnly(metaDir);
    // WRITE_DELAY=0: a commit reaches the file before the call returns, so a kill -9 loses nothing;
    // QUERY_CACHE_SIZE: each pooled session keeps all of chplane's statements parsed;
    // TRACE_LEVEL_FILE=0: no .trace.db, which H2 would create with the umask's mode (errors reach chplane's log)
    String url = "jdbc:h2:file:" + metaDir.toAbsolutePath().resolve("chplane")
        + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=64;TRACE_LEVEL_FILE=0";
    JdbcConnectionPool pool = JdbcConnectionPool.create(url, "chplane", "");
    MetadataStore store = new JdbcMetadataStore(pool, pool::dispose, observer);
    ownerOnly(metaDir);
    return store;
  }

  /** The directory 0700 and the files H2 made in it 0600. */
  private static void ownerOnly(Path metaDir) {
    try {
      OwnerOnlyFiles.createDirectories(metaDir);
      OwnerOnlyFiles.restrictTree(metaDir, dir -> false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the metadata directory " + metaDir + " owner-only", e);
    }
  }
}
