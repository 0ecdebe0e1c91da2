package dev.chplane.pipes;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Decides whether a JSON message can go to ClickHouse as it is, as one JSONEachRow line, instead of
 * being decoded, converted and written again by {@link RowMapper}: the common case of messages
 * whose fields already are the columns' values. The check reads the message's bytes once with
 * {@link JsonBytes} and builds no objects for the fields it does not need to look at.
 *
 * <p>Invariant: a message is accepted only when ClickHouse reads it into the row that {@link
 * RowMapper} would have made of it. So the message must be one JSON object with every column's
 * field exactly once (missing fields are filled differently: zero values by the mapper, DEFAULT
 * expressions by newer servers), and each value must be one that {@link ValueConverter} passes on
 * unchanged; other fields are skipped by the server ({@link #INSERT_SETTINGS}). Anything else,
 * including every value the converter would change or refuse, goes through the mapper, which also
 * writes refused messages to the error table. A pipe that renames fields or maps virtual columns
 * never passes messages through.
 */
final class VerbatimRows {
  /** The settings an insert of verbatim rows needs. */
  static final Map<String, String> INSERT_SETTINGS =
      Map.of("input_format_skip_unknown_fields", "1");

  private final byte[][] names;
  private final ValueCheck[] checks;
  private final long all;
  private final boolean enabled;

  /**
   * @param columns the destination's columns and their types, in order
   * @param sources the message field (or virtual column) each column takes
   */
  VerbatimRows(Map<String, ColumnType> columns, Map<String, String> sources) {
    this.names = new byte[columns.size()][];
    this.checks = new ValueCheck[columns.size()];
    boolean plain = true;
    int i = 0;
    for (Map.Entry<String, ColumnType> c : columns.entrySet()) {
      plain &=
          sources.get(c.getKey()).equals(c.getKey())
              && !RowMapper.VIRTUAL.contains(c.getKey())
              && !c.getKey().contains(".");
      names[i] = c.getKey().getBytes(StandardCharsets.UTF_8);
      checks[i++] = ValueCheck.of(c.getValue());
    }
    this.enabled = plain && !columns.isEmpty() && columns.size() <= 64;
    this.all = columns.size() == 64 ? -1L : (1L << columns.size()) - 1;
  }

  /** Whether {@code message} may be inserted as it is (followed by a newline). */
  boolean accepts(byte[] message) {
    // a first byte other than '{' also keeps out byte-order marks and UTF-16, which the server
    // cannot read
    if (!enabled || message.length < 2 || message[0] != '{') {
      return false;
    }
    JsonBytes in = new JsonBytes(message);
    in.pos = 1;
    if (in.expect('}')) {
      return false;
    }
    long seen = 0;
    int next = 0;
    do {
      int start = in.string();
      if (start < 0 || in.escaped || !in.expect(':')) {
        return false;
      }
      int i = column(message, start, in.pos - 2 - start, next);
      if (i < 0) {
        if (!in.skipValue(0)) {
          return false;
        }
        continue;
      }
      if ((seen & (1L << i)) != 0 || !checks[i].accepts(in)) {
        return false;
      }
      seen |= 1L << i;
      next = i + 1;
    } while (in.expect(','));
    return in.expect('}') && in.peek() == -1 && seen == all;
  }

  // a plain loop: names are short, and Arrays.equals costs more than it saves for them
  private static boolean same(byte[] name, byte[] m, int start) {
    for (int k = 0; k < name.length; k++) {
      if (name[k] != m[start + k]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The column named by {@code length} bytes at {@code start}, trying {@code hint} first (fields
   * usually come in column order).
   */
  private int column(byte[] m, int start, int length, int hint) {
    for (int k = 0; k < names.length; k++) {
      int i = (hint + k) % names.length;
      byte[] n = names[i];
      if (n.length == length && same(n, m, start)) {
        return i;
      }
    }
    return -1;
  }
}
