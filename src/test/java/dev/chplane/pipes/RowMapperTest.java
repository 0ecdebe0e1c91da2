package dev.chplane.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.domain.PipeSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowMapperTest {
  private final RowMapper mapper =
      new RowMapper(
          new ObjectMapper(),
          List.of(
              new PipeSpec.Column("id", "UInt64"),
              new PipeSpec.Column("city", "String"),
              new PipeSpec.Column("ts", "DateTime"),
              new PipeSpec.Column("k", "String"),
              new PipeSpec.Column("p", "Int32"),
              new PipeSpec.Column("o", "Int64"),
              new PipeSpec.Column("raw", "String"),
              new PipeSpec.Column("hk", "Array(String)")),
          List.of(
              new PipeSpec.FieldMapping("address.city", "city"),
              new PipeSpec.FieldMapping("_timestamp", "ts"),
              new PipeSpec.FieldMapping("_key", "k"),
              new PipeSpec.FieldMapping("_partition", "p"),
              new PipeSpec.FieldMapping("_offset", "o"),
              new PipeSpec.FieldMapping("_raw_message", "raw"),
              new PipeSpec.FieldMapping("_header_keys", "hk")));

  private static SourceRecord record(String value) {
    return new SourceRecord(
        "events",
        2,
        41,
        1709296496000L,
        "key-1",
        List.of("h1"),
        List.of("v1"),
        value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void mapsFieldsNestedFieldsAndVirtualColumnsToOneJsonEachRowLine() throws Exception {
    String line =
        new String(
            mapper.map(record("{\"id\":7,\"address\":{\"city\":\"Lyon\"}}")),
            StandardCharsets.UTF_8);
    assertThat(line)
        .isEqualTo(
            "{\"id\":7,\"city\":\"Lyon\",\"ts\":\"2024-03-01 12:34:56\",\"k\":\"key-1\",\"p\":2,"
                + "\"o\":41,\"raw\":\"{\\\"id\\\":7,\\\"address\\\":{\\\"city\\\":\\\"Lyon\\\"}}\",\"hk\":[\"h1\"]}\n");
  }

  @Test
  void floatsKeepTheDecimalFormTheMessageUsed() throws Exception {
    RowMapper floats =
        new RowMapper(
            new ObjectMapper()
                .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN),
            List.of(new PipeSpec.Column("f", "Float64")),
            List.of());
    // 18.16 parses 5.2E-5 slightly off but 0.000052 exactly
    assertThat(new String(floats.map(record("{\"f\":0.000052}")), StandardCharsets.UTF_8))
        .isEqualTo("{\"f\":0.000052}\n");
    assertThat(new String(floats.map(record("{\"f\":5.2E-5}")), StandardCharsets.UTF_8))
        .isEqualTo("{\"f\":0.000052}\n");
  }

  @Test
  void unparsableOrUnconvertibleMessagesSayWhy() {
    assertThatThrownBy(() -> mapper.map(record("not json"))).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> mapper.map(record("[1]"))).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> mapper.map(record("{\"id\":-3}")))
        .hasMessageContaining("column id (UInt64) from field id")
        .hasMessageContaining("out of range");
  }
}
