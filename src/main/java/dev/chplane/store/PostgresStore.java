package dev.chplane.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Opens the metadata store on a PostgreSQL database through a HikariCP pool; closing the store
 * closes the pool. Flyway creates or migrates the schema on open, as for the embedded store.
 */
public final class PostgresStore {
  private PostgresStore() {}

  /**
   * @param url {@code postgresql://user:password@host:port/database} or {@code jdbc:postgresql://…}
   * @throws IllegalArgumentException if {@code url} is not such a URL
   * @throws StoreException if the database cannot be reached or migrated
   */
  public static MetadataStore open(String url) {
    return open(url, WriteObserver.NONE);
  }

  /** Opens the store with an observer of every write (tests use it to cut transactions short). */
  public static MetadataStore open(String url, WriteObserver observer) {
    PostgresUrl target = PostgresUrl.parse(url);
    HikariConfig config = new HikariConfig();
    config.setPoolName("chplane-metadata");
    config.setJdbcUrl(target.jdbcUrl());
    config.setUsername(target.user());
    config.setPassword(target.password());
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException(
          "cannot connect to the metadata store " + target + ": " + rootMessage(e), e);
    }
    try {
      return new JdbcMetadataStore(pool, pool::close, observer);
    } catch (RuntimeException e) {
      pool.close();
      throw new StoreException(
          "cannot prepare the metadata store " + target + ": " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage();
  }
}
