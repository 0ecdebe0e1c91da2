package dev.chplane.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one place where chplane configures Jackson. Every mapper starts from {@link #base()}; the
 * three kinds differ only where the JSON they read differs on purpose:
 *
 * <ul>
 *   <li>{@link #strict()}: unknown properties fail. For what chplane reads from a peer that must
 *       speak exactly its shape (API bodies go through {@code api.JsonBody} on trees, backup
 *       manifests, encrypted pipe credentials), for ClickHouse's {@code JSONEachRow} output, and
 *       for the JSON kept in the metadata store (through the store's own records, which refuse a
 *       field they do not know rather than drop it on the next write: see {@code store.SpecCodec}).
 *   <li>{@link #exactDecimals()}: strict, and decimals keep the digits they were written with (read
 *       as {@code BigDecimal}, written plain). For pipe rows, whose numbers the server must read as
 *       it would read the message.
 * </ul>
 *
 * <p>Each call returns a new mapper (mappers are configured once and then shared by their owner;
 * nothing here is shared mutable state).
 */
public final class JsonMappers {
  private JsonMappers() {}

  /** Unknown properties fail; everything else as Jackson's defaults. */
  public static ObjectMapper strict() {
    return base().build();
  }

  /**
   * Strict, and decimals keep their digits: read as {@code BigDecimal}, written without an
   * exponent.
   */
  public static ObjectMapper exactDecimals() {
    return base()
        .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .build();
  }

  // Jackson's defaults, which the API's wire format and today's stored JSON were written with: a
  // setting added here changes every mapper at once, so it needs a golden test first.
  private static JsonMapper.Builder base() {
    return JsonMapper.builder();
  }
}
