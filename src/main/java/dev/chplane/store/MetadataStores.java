package dev.chplane.store;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the metadata store named by {@code --store} / {@code CHPLANE_STORE}. */
public final class MetadataStores {
  public static final String EMBEDDED = "embedded";

  private static final Logger log = LoggerFactory.getLogger(MetadataStores.class);

  private MetadataStores() {}

  /**
   * How an operator recognizes the store {@link #open} opens, e.g. in a message that refuses to
   * start.
   */
  public static String describe(String store, Path dataDir) {
    String value = store == null ? "" : store.strip();
    return value.isEmpty() || value.equals(EMBEDDED)
        ? "the embedded metadata store in " + dataDir.resolve("meta")
        : "the metadata store " + PostgresUrl.redact(value);
  }

  /** True if {@code store} names the embedded store. */
  public static boolean isEmbedded(String store) {
    String value = store == null ? "" : store.strip();
    return value.isEmpty() || value.equals(EMBEDDED);
  }

  /**
   * @param store {@code embedded} (or null/blank): H2 under {@code dataDir/meta}; {@code
   *     postgresql://user:password@host:port/database} or {@code jdbc:postgresql://…}: that
   *     database
   * @throws IllegalArgumentException for any other value
   */
  public static MetadataStore open(String store, Path dataDir) {
    String value = store == null ? "" : store.strip();
    if (value.isEmpty() || value.equals(EMBEDDED)) {
      Path meta = dataDir.resolve("meta");
      log.info("metadata store: embedded H2 in {}", meta);
      return EmbeddedStore.open(meta);
    }
    if (PostgresUrl.isPostgres(value)) {
      log.info("metadata store: PostgreSQL {}", PostgresUrl.parse(value));
      return PostgresStore.open(value);
    }
    throw new IllegalArgumentException(
        "unknown metadata store '"
            + PostgresUrl.redact(value)
            + "': use 'embedded' or a PostgreSQL URL, postgresql://user:password@host:5432/database"
            + " or jdbc:postgresql://host:5432/database");
  }
}
