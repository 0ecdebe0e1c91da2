package dev.chplane.pipes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.domain.PipeSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerbatimRowsTest {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final List<PipeSpec.Column> COLUMNS =
      List.of(
          new PipeSpec.Column("id", "UInt64"),
          new PipeSpec.Column("ts", "DateTime"),
          new PipeSpec.Column("f", "Float64"),
          new PipeSpec.Column("e", "Enum8('a' = 1, 'b''' = 2)"),
          new PipeSpec.Column("u", "UUID"),
          new PipeSpec.Column("d", "Date"),
          new PipeSpec.Column("n", "Nullable(Int8)"),
          new PipeSpec.Column("arr", "Array(LowCardinality(String))"),
          new PipeSpec.Column("fs", "FixedString(3)"));
  private static final String BASE =
      "\"id\":7,\"ts\":\"2026-11-26 10:00:00\",\"f\":0.123456,\"e\":\"a\","
          + "\"u\":\"123e4567-e89b-12d3-a456-426614174000\",\"d\":\"2024-02-29\",\"n\":null,\"arr\":[\"x\",\"y\"],\"fs\":\"abc\"";

  private final RowMapper mapper = new RowMapper(JSON, COLUMNS, List.of());

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void messagesThatAreAlreadyTheRowPassAndReadAsTheMappersRow() throws Exception {
    List<String> accepted =
        List.of(
            "{" + BASE + "}",
            "{" + BASE + ",\"extra\":{\"deep\":[1,{\"x\":\"}\"}]},\"more\":null}",
            "{\"fs\":\"é\"," + BASE.replace(",\"fs\":\"abc\"", "") + "}",
            "{" + BASE.replace("\"n\":null", "\"n\":-128") + "}\n",
            "{" + BASE.replace("\"id\":7", "\"id\":18446744073709551615") + "}",
            "{" + BASE.replace("0.123456", "12") + "}");
    for (String message : accepted) {
      assertThat(mapper.isVerbatim(bytes(message))).as(message).isTrue();
      assertReadsAsTheMappersRow(message, bytes(message));
    }
  }

  /**
   * Checks the invariant: an accepted message is valid JSON and reads as the row the mapper makes
   * of it.
   */
  private void assertReadsAsTheMappersRow(String label, byte[] message) throws Exception {
    ObjectNode asSent = (ObjectNode) JSON.readTree(message);
    asSent.retain(COLUMNS.stream().map(PipeSpec.Column::name).toList());
    JsonNode mapped =
        JSON.readTree(
            mapper.map(new SourceRecord("t", 0, 0, 0, null, List.of(), List.of(), message)));
    assertThat(asSent).as(label).isEqualTo(mapped);
  }

  @Test
  void mutatedMessagesAreEitherRefusedOrStillReadAsTheMappersRow() throws Exception {
    java.util.Random random = new java.util.Random(20261126);
    byte[] alphabet = bytes("{}[]\",:.-+eE0123456789 \t\nabcfnrtuxyz/\u00e9\u00ff");
    byte[] valid =
        bytes("{" + BASE + ",\"extra\":{\"deep\":[1,-2.5,true,false,null,\"s\\n\\u00e9\"]}}");
    int accepted = 0;
    for (int round = 0; round < 20_000; round++) {
      byte[] m = valid.clone();
      for (int k = random.nextInt(3); k >= 0; k--) {
        m[random.nextInt(m.length)] =
            random.nextInt(4) == 0
                ? (byte) random.nextInt(256)
                : alphabet[random.nextInt(alphabet.length)];
      }
      if (mapper.isVerbatim(m)) {
        accepted++;
        assertReadsAsTheMappersRow(new String(m, StandardCharsets.ISO_8859_1), m);
      }
    }
    // the mutations must leave both outcomes common, or the test would check nothing
    assertThat(accepted).isBetween(1_000, 19_000);
  }

  @Test
  void messagesTheConverterWouldChangeOrRefuseGoThroughTheMapper() {
    List<String> refused =
        List.of(
            "{" + BASE.replace(",\"fs\":\"abc\"", "") + "}", // a column missing
            "{" + BASE + ",\"id\":8}", // a field twice
            "{" + BASE.replace("\"id\":7", "\"id\":\"7\"") + "}", // number as text
            "{" + BASE.replace("\"id\":7", "\"id\":-1") + "}", // out of range
            "{" + BASE.replace("\"n\":null", "\"n\":128") + "}",
            "{" + BASE.replace("\"id\":7", "\"id\":18446744073709551616") + "}",
            "{" + BASE.replace("\"id\":7", "\"id\":null") + "}", // null, not Nullable
            "{" + BASE.replace("0.123456", "5.2E-5") + "}", // exponent
            "{"
                + BASE.replace("2026-11-26 10:00:00", "2026-11-26T10:00:00Z")
                + "}", // ISO date-time
            "{" + BASE.replace("2026-11-26 10:00:00", "2026-02-30 10:00:00") + "}",
            "{" + BASE.replace("2024-02-29", "2023-02-29") + "}",
            "{" + BASE.replace("\"e\":\"a\"", "\"e\":1") + "}", // enum by number
            "{" + BASE.replace("\"e\":\"a\"", "\"e\":\"c\"") + "}",
            "{" + BASE.replace("123e4567", "123E4567") + "}", // UUID not canonical
            "{" + BASE.replace("\"abc\"", "\"abcd\"") + "}", // too long
            "{" + BASE.replace("\"abc\"", "\"éé\"") + "}", // 4 bytes
            "{" + BASE.replace("[\"x\",\"y\"]", "[\"x\",2]") + "}",
            "{" + BASE + "} trailing",
            "[{" + BASE + "}]",
            " {" + BASE + "}",
            "not json",
            "{" + BASE + ",}",
            "{" + BASE + ",\"x\":01}",
            "{" + BASE + ",\"x\":1.}",
            "{" + BASE + ",\"x\":-}",
            "{" + BASE + ",\"x\":\"\\q\"}",
            "{" + BASE + ",\"x\":\"\\ud800\"}",
            "{" + BASE + ",\"x\":\"tab\there\"}",
            "{" + BASE + ",\"x\":[1,]}",
            "{" + BASE + ",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}",
            "{" + BASE + ",\"i\\u0064\":8}");
    for (String message : refused) {
      assertThat(mapper.isVerbatim(bytes(message))).as(message).isFalse();
    }
    byte[] badUtf8InUnknownField = bytes("{" + BASE + ",\"x\":\"?\"}");
    badUtf8InUnknownField[badUtf8InUnknownField.length - 3] = (byte) 0xC3;
    assertThat(mapper.isVerbatim(badUtf8InUnknownField)).isFalse();
    byte[] utf16 = ("{" + BASE + "}").getBytes(StandardCharsets.UTF_16LE);
    assertThat(mapper.isVerbatim(utf16)).isFalse();
  }

  @Test
  void pipesThatRenameFieldsOrMapVirtualColumnsNeverPassMessagesThrough() {
    String message = "{" + BASE + "}";
    assertThat(
            new RowMapper(JSON, COLUMNS, List.of(new PipeSpec.FieldMapping("other", "id")))
                .isVerbatim(bytes(message)))
        .isFalse();
    assertThat(
            new RowMapper(JSON, COLUMNS, List.of(new PipeSpec.FieldMapping("id", "id")))
                .isVerbatim(bytes(message)))
        .isTrue();
    List<PipeSpec.Column> withVirtual =
        List.of(new PipeSpec.Column("id", "UInt64"), new PipeSpec.Column("_key", "String"));
    assertThat(
            new RowMapper(JSON, withVirtual, List.of())
                .isVerbatim(bytes("{\"id\":1,\"_key\":\"k\"}")))
        .isFalse();
  }
}
