package dev.chplane.store;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One database on a real PostgreSQL ({@link PostgresServer}) for a whole test class; register it as
 * a static {@code @RegisterExtension} field. {@link #openEmpty} empties the database before handing
 * out a store.
 */
final class PostgresTestDatabase implements BeforeAllCallback, AfterAllCallback {
  private final PostgresCluster postgres = new PostgresCluster();
  private String url;

  @Override
  public void beforeAll(ExtensionContext context) {
    postgres.beforeAll(context);
    url = postgres.createDatabase();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    postgres.afterAll(context);
  }

  MetadataStore openEmpty(WriteObserver observer) {
    MetadataStore store = PostgresStore.open(url, observer);
    postgres.server().emptyDatabase(url);
    return store;
  }

  MetadataStore reopen() {
    return PostgresStore.open(url);
  }
}
