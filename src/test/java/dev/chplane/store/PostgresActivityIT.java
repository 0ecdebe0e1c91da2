package dev.chplane.store;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The activity contract on a real PostgreSQL. */
class PostgresActivityIT extends ActivityContractTest {
  @RegisterExtension static final PostgresTestDatabase DATABASE = new PostgresTestDatabase();

  @Override
  protected MetadataStore openEmptyStore(WriteObserver observer) {
    return DATABASE.openEmpty(observer);
  }
}
