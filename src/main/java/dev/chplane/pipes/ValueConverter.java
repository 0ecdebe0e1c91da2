package dev.chplane.pipes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.UUID;

/**
 * Turns a JSON value from a message into the JSON value ClickHouse's JSONEachRow input takes for a
 * column type, or says why it cannot. A missing or null value becomes the type's zero value (NULL
 * for Nullable), as ClickPipes does; DEFAULT expressions are not evaluated.
 */
final class ValueConverter {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final Map<String, BigInteger[]> RANGES =
      Map.of(
          "Int8",
          range(-128, 127),
          "Int16",
          range(-32768, 32767),
          "Int32",
          range(Integer.MIN_VALUE, Integer.MAX_VALUE),
          "Int64",
          new BigInteger[] {BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE)},
          "UInt8",
          range(0, 255),
          "UInt16",
          range(0, 65535),
          "UInt32",
          range(0, 4294967295L),
          "UInt64",
          new BigInteger[] {
            BigInteger.ZERO, BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)
          });

  /** A value that does not fit its column. */
  static final class ConversionException extends Exception {
    private static final long serialVersionUID = 1L;

    ConversionException(String message) {
      super(message);
    }
  }

  private ValueConverter() {}

  static JsonNode convert(JsonNode value, ColumnType type) throws ConversionException {
    boolean absent = value == null || value.isNull() || value.isMissingNode();
    switch (type.name()) {
      case "Nullable":
        return absent ? NullNode.getInstance() : convert(value, type.argument());
      case "LowCardinality":
        return convert(value, type.argument());
      case "Array":
        {
          ArrayNode out = JSON.arrayNode();
          if (absent) {
            return out;
          }
          if (!value.isArray()) {
            throw new ConversionException("expected an array for " + type + ", got " + kind(value));
          }
          for (JsonNode item : value) {
            out.add(convert(item, type.argument()));
          }
          return out;
        }
      default:
        return scalar(absent ? null : value, type);
    }
  }

  private static JsonNode scalar(JsonNode v, ColumnType type) throws ConversionException {
    String name = type.name();
    if (RANGES.containsKey(name)) {
      if (v != null
          && v.canConvertToExactIntegral()
          && v.canConvertToLong()
          && !name.equals("UInt64")) {
        long fast = v.longValue();
        BigInteger[] r = RANGES.get(name);
        if (fast >= r[0].longValue() && fast <= r[1].longValue()) {
          return JSON.numberNode(fast);
        }
      }
      BigInteger n = v == null ? BigInteger.ZERO : integer(v, name);
      BigInteger[] r = RANGES.get(name);
      if (n.compareTo(r[0]) < 0 || n.compareTo(r[1]) > 0) {
        throw new ConversionException(n + " is out of range for " + name);
      }
      return JSON.numberNode(n);
    }
    switch (name) {
      case "Float32", "Float64" -> {
        // the number as the message wrote it: 18.16 reads 5.2E-5 slightly off, 0.000052 exactly
        return JSON.numberNode(v == null ? BigDecimal.ZERO : decimal(v, name));
      }
      case "Decimal", "Decimal32", "Decimal64", "Decimal128" -> {
        BigDecimal d = v == null ? BigDecimal.ZERO : decimal(v, name);
        int scale = Integer.parseInt(type.parameters().get(type.parameters().size() - 1).trim());
        if (d.scale() > scale && d.setScale(scale, java.math.RoundingMode.DOWN).compareTo(d) != 0) {
          throw new ConversionException(
              v + " has more than " + scale + " decimal places for " + type);
        }
        return JSON.textNode(d.toPlainString());
      }
      case "String" -> {
        return JSON.textNode(v == null ? "" : v.isTextual() ? v.textValue() : v.toString());
      }
      case "FixedString" -> {
        String s = v == null ? "" : v.isTextual() ? v.textValue() : v.toString();
        int n = Integer.parseInt(type.parameters().get(0).trim());
        if (s.getBytes(StandardCharsets.UTF_8).length > n) {
          throw new ConversionException(
              "'" + abbreviate(s) + "' is longer than " + n + " bytes for " + type);
        }
        return JSON.textNode(s);
      }
      case "UUID" -> {
        if (v == null) {
          return JSON.textNode("00000000-0000-0000-0000-000000000000");
        }
        try {
          return JSON.textNode(UUID.fromString(v.asText()).toString());
        } catch (IllegalArgumentException e) {
          throw new ConversionException("'" + abbreviate(v.asText()) + "' is not a UUID");
        }
      }
      case "Date" -> {
        return JSON.textNode(v == null ? "1970-01-01" : date(v));
      }
      case "DateTime" -> {
        if (v != null && v.isTextual() && DateTexts.isClickHouseDateTime(v.textValue())) {
          return v;
        }
        return JSON.textNode(v == null ? "1970-01-01 00:00:00" : DATE_TIME.format(dateTime(v)));
      }
      case "Enum8", "Enum16" -> {
        return JSON.textNode(v == null ? firstEnumName(type) : enumName(v, type));
      }
      default -> throw new ConversionException("column type " + type + " is not supported");
    }
  }

  private static BigInteger integer(JsonNode v, String type) throws ConversionException {
    if (v.isIntegralNumber()) {
      return v.bigIntegerValue();
    }
    if (v.isBoolean()) {
      return v.booleanValue() ? BigInteger.ONE : BigInteger.ZERO;
    }
    try {
      BigDecimal d = new BigDecimal(v.isTextual() ? v.textValue().trim() : v.asText());
      return d.toBigIntegerExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ConversionException(
          "'" + abbreviate(v.asText()) + "' is not a whole number for " + type);
    }
  }

  private static BigDecimal decimal(JsonNode v, String type) throws ConversionException {
    if (v.isNumber()) {
      return v.decimalValue();
    }
    try {
      return new BigDecimal(v.asText().trim());
    } catch (NumberFormatException e) {
      throw new ConversionException("'" + abbreviate(v.asText()) + "' is not a number for " + type);
    }
  }

  private static String date(JsonNode v) throws ConversionException {
    if (v.isNumber()) {
      return LocalDate.ofInstant(epoch(v), ZoneOffset.UTC).toString();
    }
    String s = v.asText().trim();
    try {
      return LocalDate.parse(s.length() >= 10 ? s.substring(0, 10) : s).toString();
    } catch (DateTimeParseException e) {
      throw new ConversionException(
          "'" + abbreviate(s) + "' is not a date (YYYY-MM-DD, ISO 8601 or epoch seconds)");
    }
  }

  private static LocalDateTime dateTime(JsonNode v) throws ConversionException {
    if (v.isNumber()) {
      return LocalDateTime.ofInstant(epoch(v), ZoneOffset.UTC);
    }
    String s = v.asText().trim();
    try {
      return OffsetDateTime.parse(s).atZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
    } catch (DateTimeParseException e) {
      // not ISO 8601 with an offset: try the forms without one, read as UTC
    }
    try {
      return LocalDateTime.parse(s.replace(' ', 'T'));
    } catch (DateTimeParseException e) {
      // and a plain date
    }
    try {
      return LocalDate.parse(s).atStartOfDay();
    } catch (DateTimeParseException e) {
      throw new ConversionException(
          "'"
              + abbreviate(s)
              + "' is not a date-time (ISO 8601, 'YYYY-MM-DD hh:mm:ss' or epoch seconds)");
    }
  }

  /** Epoch seconds; values too large to be seconds in this era are read as milliseconds. */
  private static Instant epoch(JsonNode v) {
    long n = v.asLong();
    return Math.abs(n) > 100_000_000_000L ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
  }

  private static String enumName(JsonNode v, ColumnType type) throws ConversionException {
    for (Map.Entry<String, String> e : enumValues(type).entrySet()) {
      if (v.isTextual() && v.textValue().equals(e.getKey())
          || v.isNumber() && v.asText().equals(e.getValue())) {
        return e.getKey();
      }
    }
    throw new ConversionException("'" + abbreviate(v.asText()) + "' is not a value of " + type);
  }

  private static String firstEnumName(ColumnType type) {
    return enumValues(type).keySet().iterator().next();
  }

  /** An Enum type's names, in order, each with its number as written. */
  static Map<String, String> enumValues(ColumnType type) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String p : type.parameters()) {
      int eq = p.lastIndexOf('=');
      String label = p.substring(0, eq).trim();
      out.put(
          label.substring(1, label.length() - 1).replace("\\'", "'"), p.substring(eq + 1).trim());
    }
    return out;
  }

  private static String kind(JsonNode v) {
    return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  private static BigInteger[] range(long min, long max) {
    return new BigInteger[] {BigInteger.valueOf(min), BigInteger.valueOf(max)};
  }
}
