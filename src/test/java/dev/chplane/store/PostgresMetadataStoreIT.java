package dev.chplane.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract on a real PostgreSQL ({@link PostgresServer}): one database for the class, emptied
 * before each test.
 */
class PostgresMetadataStoreIT extends MetadataStoreContractTest {
  private static PostgresServer postgres;
  private static String url;

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresServer.start();
    url = postgres.createDatabase();
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected MetadataStore openEmptyStore(WriteObserver observer) {
    MetadataStore store = PostgresStore.open(url, observer);
    postgres.emptyDatabase(url);
    return store;
  }

  @Override
  protected MetadataStore reopenStore() {
    return PostgresStore.open(url);
  }
}
