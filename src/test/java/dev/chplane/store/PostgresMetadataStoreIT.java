package dev.chplane.store;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract on a real PostgreSQL ({@link PostgresServer}): one database for the class,
 * emptied before each test.
 */
class PostgresMetadataStoreIT extends MetadataStoreContractTest {
  @RegisterExtension static final PostgresTestDatabase DATABASE = new PostgresTestDatabase();

  @Override
  protected MetadataStore openEmptyStore(WriteObserver observer) {
    return DATABASE.openEmpty(observer);
  }

  @Override
  protected MetadataStore reopenStore() {
    return DATABASE.reopen();
  }
}
