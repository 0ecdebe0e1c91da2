package dev.chplane.store;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL ({@link PostgresServer}) for a whole test class, stopped after it; register it
 * as a static {@code @RegisterExtension} field and make a fresh database per use with {@link
 * #createDatabase}.
 */
public final class PostgresCluster implements BeforeAllCallback, AfterAllCallback {
  private PostgresServer postgres;

  @Override
  public void beforeAll(ExtensionContext context) {
    postgres = PostgresServer.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (postgres != null) {
      postgres.close();
    }
  }

  /** A new, empty database; its {@code postgresql://} URL. */
  public String createDatabase() {
    return postgres.createDatabase();
  }

  PostgresServer server() {
    return postgres;
  }
}
