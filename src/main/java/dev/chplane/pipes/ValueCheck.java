package dev.chplane.pipes;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * For one column type, what a JSON value must look like for {@link ValueConverter} to pass it on
 * unchanged, so that the server may read it from the message as it is. Checks the value at a {@link
 * JsonBytes} cursor and moves past it; {@code false} means "convert it instead".
 */
final class ValueCheck {
  private enum Kind {
    INTEGER,
    UNSIGNED_64,
    FLOAT,
    STRING,
    FIXED_STRING,
    DATE,
    DATE_TIME,
    UUID,
    ENUM,
    ARRAY,
    NEVER
  }

  private final Kind kind;
  private final boolean nullable;
  private final ValueCheck element;
  private final long min;
  private final long max;
  private final Set<String> labels;

  private ValueCheck(
      Kind kind, boolean nullable, ValueCheck element, long min, long max, Set<String> labels) {
    this.kind = kind;
    this.nullable = nullable;
    this.element = element;
    this.min = min;
    this.max = max;
    this.labels = labels;
  }

  static ValueCheck of(ColumnType type) {
    return of(type, false);
  }

  private static ValueCheck of(ColumnType type, boolean nullable) {
    return switch (type.name()) {
      case "Nullable" -> of(type.argument(), true);
      case "LowCardinality" -> of(type.argument(), nullable);
      case "Array" ->
          new ValueCheck(Kind.ARRAY, nullable, of(type.argument(), false), 0, 0, Set.of());
      case "Int8" -> integer(nullable, Byte.MIN_VALUE, Byte.MAX_VALUE);
      case "Int16" -> integer(nullable, Short.MIN_VALUE, Short.MAX_VALUE);
      case "Int32" -> integer(nullable, Integer.MIN_VALUE, Integer.MAX_VALUE);
      case "Int64" -> integer(nullable, Long.MIN_VALUE, Long.MAX_VALUE);
      case "UInt8" -> integer(nullable, 0, 0xFF);
      case "UInt16" -> integer(nullable, 0, 0xFFFF);
      case "UInt32" -> integer(nullable, 0, 0xFFFF_FFFFL);
      case "UInt64" -> simple(Kind.UNSIGNED_64, nullable);
      // the converter rewrites exponent forms (18.16 reads 5.2E-5 slightly off); JsonBytes refuses
      // them
      case "Float32", "Float64" -> simple(Kind.FLOAT, nullable);
      case "String" -> simple(Kind.STRING, nullable);
      case "FixedString" ->
          new ValueCheck(
              Kind.FIXED_STRING,
              nullable,
              null,
              0,
              Integer.parseInt(type.parameters().get(0).trim()),
              Set.of());
      case "Date" -> simple(Kind.DATE, nullable);
      case "DateTime" ->
          type.parameters().isEmpty()
              ? simple(Kind.DATE_TIME, nullable)
              : simple(Kind.NEVER, nullable);
      case "UUID" -> simple(Kind.UUID, nullable);
      case "Enum8", "Enum16" ->
          new ValueCheck(Kind.ENUM, nullable, null, 0, 0, ValueConverter.enumValues(type).keySet());
      default -> simple(Kind.NEVER, nullable);
    };
  }

  private static ValueCheck integer(boolean nullable, long min, long max) {
    return new ValueCheck(Kind.INTEGER, nullable, null, min, max, Set.of());
  }

  private static ValueCheck simple(Kind kind, boolean nullable) {
    return new ValueCheck(kind, nullable, null, 0, 0, Set.of());
  }

  boolean accepts(JsonBytes in) {
    int c = in.peek();
    if (c == 'n') {
      return nullable && in.literal("null");
    }
    switch (kind) {
      case INTEGER, UNSIGNED_64, FLOAT -> {
        int start = in.number();
        return start >= 0 && (kind == Kind.FLOAT || !in.fraction && inRange(in.b, start, in.pos));
      }
      case ARRAY -> {
        if (!in.expect('[')) {
          return false;
        }
        if (in.expect(']')) {
          return true;
        }
        do {
          if (!element.accepts(in)) {
            return false;
          }
        } while (in.expect(','));
        return in.expect(']');
      }
      case NEVER -> {
        return false;
      }
      default -> {
        int start = in.string();
        return start >= 0
            && (kind == Kind.STRING || !in.escaped && text(in.b, start, in.pos - 1 - start));
      }
    }
  }

  /** Checks the text of a string without escapes, {@code length} bytes at {@code start}. */
  private boolean text(byte[] b, int start, int length) {
    return switch (kind) {
      case FIXED_STRING -> length <= max;
      case DATE -> DateTexts.isIsoDate(b, start, length);
      case DATE_TIME -> DateTexts.isClickHouseDateTime(b, start, length);
      case UUID -> length == 36 && isLowerCaseUuid(b, start);
      case ENUM -> labels.contains(new String(b, start, length, StandardCharsets.UTF_8));
      default -> false;
    };
  }

  private boolean inRange(byte[] b, int start, int end) {
    if (b[start] == '-' && (kind == Kind.UNSIGNED_64 || min == 0)) {
      return false;
    }
    int digits = end - start - (b[start] == '-' ? 1 : 0);
    if (digits <= 18) {
      long n = 0;
      for (int i = b[start] == '-' ? start + 1 : start; i < end; i++) {
        n = n * 10 + (b[i] - '0');
      }
      n = b[start] == '-' ? -n : n;
      return kind == Kind.UNSIGNED_64 ? n >= 0 : n >= min && n <= max;
    }
    String text = new String(b, start, end - start, StandardCharsets.ISO_8859_1);
    try {
      if (kind == Kind.UNSIGNED_64) {
        Long.parseUnsignedLong(text); // throws above 2^64 - 1
        return true;
      }
      long n = Long.parseLong(text);
      return n >= min && n <= max;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean isLowerCaseUuid(byte[] b, int start) {
    for (int i = 0; i < 36; i++) {
      byte c = b[start + i];
      boolean ok =
          i == 8 || i == 13 || i == 18 || i == 23
              ? c == '-'
              : c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
