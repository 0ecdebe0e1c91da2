package dev.chplane.store;

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
    // WRITE_DELAY=0: a commit reaches the file before the call returns, so a kill -9 loses nothing;
    // QUERY_CACHE_SIZE: each pooled session keeps all of chplane's statements parsed
    String url = "jdbc:h2:file:" + metaDir.toAbsolutePath().resolve("chplane")
        + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=64";
    JdbcConnectionPool pool = JdbcConnectionPool.create(url, "chplane", "");
    return new JdbcMetadataStore(pool, pool::dispose, observer);
  }
}
