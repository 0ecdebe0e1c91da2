package dev.chplane.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValueConverterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String convert(String json, String type) throws Exception {
    JsonNode value = json == null ? null : JSON.readTree(json);
    return ValueConverter.convert(value, ColumnType.parse(type)).toString();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "42|UInt8|42",
        "\"42\"|Int32|42",
        "-5|Int64|-5",
        "18446744073709551615|UInt64|18446744073709551615",
        "1.5|Float64|1.5",
        "\"2.25\"|Float32|2.25",
        "true|UInt8|1",
        "\"hello\"|String|\"hello\"",
        "12|String|\"12\"",
        "{\"a\":1}|String|\"{\\\"a\\\":1}\"",
        "\"2024-03-01T12:34:56Z\"|DateTime|\"2024-03-01 12:34:56\"",
        "\"2024-03-01T12:34:56+02:00\"|DateTime|\"2024-03-01 10:34:56\"",
        "\"2024-03-01 12:34:56\"|DateTime|\"2024-03-01 12:34:56\"",
        "1709296496|DateTime|\"2024-03-01 12:34:56\"",
        "1709296496000|DateTime|\"2024-03-01 12:34:56\"",
        "\"2024-03-01\"|Date|\"2024-03-01\"",
        "\"2024-03-01T23:00:00Z\"|Date|\"2024-03-01\"",
        "19783|Date|\"1970-01-01\"",
        "null|Nullable(Int32)|null",
        "7|Nullable(Int32)|7",
        "[1,2,3]|Array(UInt16)|[1,2,3]",
        "\"x\"|LowCardinality(String)|\"x\"",
        "\"12.340\"|Decimal(10, 3)|\"12.340\"",
        "3.5|Decimal32(2)|\"3.5\"",
        "\"b\"|Enum8('a' = 1, 'b' = 2)|\"b\"",
        "2|Enum8('a' = 1, 'b' = 2)|\"b\"",
        "\"550e8400-e29b-41d4-a716-446655440000\"|UUID|\"550e8400-e29b-41d4-a716-446655440000\"",
        "\"abc\"|FixedString(3)|\"abc\""
      })
  void convertsCommonTypes(String value, String type, String expected) throws Exception {
    assertThat(convert(value, type)).isEqualTo(expected);
  }

  @Test
  void missingValuesBecomeZeroValuesAndNullForNullable() throws Exception {
    assertThat(convert(null, "UInt32")).isEqualTo("0");
    assertThat(convert(null, "String")).isEqualTo("\"\"");
    assertThat(convert(null, "DateTime")).isEqualTo("\"1970-01-01 00:00:00\"");
    assertThat(convert(null, "Array(String)")).isEqualTo("[]");
    assertThat(convert(null, "Nullable(String)")).isEqualTo("null");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "256|UInt8|out of range",
        "-1|UInt32|out of range",
        "1.5|Int32|not a whole number",
        "\"abc\"|Int64|not a whole number",
        "\"yesterday\"|DateTime|not a date-time",
        "\"3/1/2024\"|Date|not a date",
        "\"abcd\"|FixedString(3)|longer than 3 bytes",
        "\"c\"|Enum8('a' = 1)|not a value of",
        "\"nope\"|UUID|not a UUID",
        "\"1.234\"|Decimal(10, 2)|more than 2 decimal places",
        "5|Array(Int8)|expected an array"
      })
  void refusesValuesThatDoNotFitWithTheReason(String value, String type, String reason) {
    assertThatThrownBy(() -> convert(value, type))
        .isInstanceOf(ValueConverter.ConversionException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void typesTheServerLacksAreNamed() {
    assertThatThrownBy(() -> ColumnType.parse("Nullable(DateTime64(3))").requireSupported(false))
        .hasMessageContaining("DateTime64")
        .hasMessageContaining("20.1");
    assertThatThrownBy(() -> ColumnType.parse("Map(String, UInt8)").requireSupported(false))
        .hasMessageContaining("Map");
    assertThatThrownBy(() -> ColumnType.parse("Bool").requireSupported(false))
        .hasMessageContaining("Bool");
    assertThatThrownBy(() -> ColumnType.parse("Strnig").requireSupported(false))
        .hasMessageContaining("Strnig");
    assertThatThrownBy(() -> ColumnType.parse("Array(UInt8")).hasMessageContaining("missing ')'");
    ColumnType.parse("LowCardinality(Nullable(String))").requireSupported(false);
    assertThat(ColumnType.parse("Array(LowCardinality(String))").usesLowCardinality()).isTrue();
  }
}
