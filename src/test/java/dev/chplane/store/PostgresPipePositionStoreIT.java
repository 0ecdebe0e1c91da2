package dev.chplane.store;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Pipe positions on a real PostgreSQL: one database for the class, emptied before each test. */
class PostgresPipePositionStoreIT extends PipePositionStoreContractTest {
  @RegisterExtension static final PostgresTestDatabase DATABASE = new PostgresTestDatabase();

  @Override
  protected MetadataStore openEmptyStore() {
    return DATABASE.openEmpty(WriteObserver.NONE);
  }
}
