package dev.chplane.pipes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.domain.PipeSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a JSON message to one row of the destination table: each column takes the message field that
 * {@code fieldMappings} name for it (by default the field of the same name; dots reach into nested
 * objects), or one of the virtual columns ({@code _key}, {@code _timestamp}, ...), converted to the
 * column's type.
 */
final class RowMapper {
  static final List<String> VIRTUAL =
      List.of(
          "_key",
          "_timestamp",
          "_partition",
          "_offset",
          "_topic",
          "_header_keys",
          "_header_values",
          "_raw_message");
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final ObjectMapper json;
  private final Map<String, ColumnType> columns = new LinkedHashMap<>();
  private final Map<String, String> sources = new LinkedHashMap<>();
  private final VerbatimRows verbatim;

  /** A row that could not be made, with the reason. */
  static final class RowException extends Exception {
    private static final long serialVersionUID = 1L;

    RowException(String message) {
      super(message);
    }
  }

  RowMapper(
      ObjectMapper json,
      List<PipeSpec.Column> destinationColumns,
      List<PipeSpec.FieldMapping> mappings) {
    this.json = json;
    Map<String, String> byDestination = new LinkedHashMap<>();
    for (PipeSpec.FieldMapping m : mappings) {
      byDestination.put(m.destinationField(), m.sourceField());
    }
    for (PipeSpec.Column c : destinationColumns) {
      columns.put(c.name(), ColumnType.parse(c.type()));
      sources.put(c.name(), byDestination.getOrDefault(c.name(), c.name()));
    }
    this.verbatim = new VerbatimRows(columns, sources);
  }

  /**
   * Whether the message is already the row, as one JSONEachRow line: then it is inserted as it is.
   */
  boolean isVerbatim(byte[] message) {
    return verbatim.accepts(message);
  }

  List<String> columnNames() {
    return List.copyOf(columns.keySet());
  }

  /** The row as one JSONEachRow line (with its newline). */
  byte[] map(SourceRecord record) throws RowException {
    JsonNode message;
    try {
      message = json.readTree(record.value());
    } catch (java.io.IOException e) {
      throw new RowException("message is not valid JSON: " + e.getMessage().split("\n")[0]);
    }
    if (message == null || !message.isObject()) {
      throw new RowException("message is not a JSON object");
    }
    ObjectNode row = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, ColumnType> c : columns.entrySet()) {
      String source = sources.get(c.getKey());
      JsonNode value = VIRTUAL.contains(source) ? virtual(source, record) : field(message, source);
      try {
        row.set(c.getKey(), ValueConverter.convert(value, c.getValue()));
      } catch (ValueConverter.ConversionException e) {
        throw new RowException(
            "column "
                + c.getKey()
                + " ("
                + c.getValue()
                + ") from field "
                + source
                + ": "
                + e.getMessage());
      }
    }
    try {
      byte[] line = json.writeValueAsBytes(row);
      byte[] out = new byte[line.length + 1];
      System.arraycopy(line, 0, out, 0, line.length);
      out[line.length] = '\n';
      return out;
    } catch (JsonProcessingException e) {
      throw new RowException("row cannot be written: " + e.getMessage());
    }
  }

  private static JsonNode field(JsonNode message, String path) {
    JsonNode direct = message.get(path);
    if (direct != null || !path.contains(".")) {
      return direct;
    }
    JsonNode node = message;
    for (String part : path.split("\\.")) {
      node = node == null ? null : node.get(part);
    }
    return node;
  }

  private static JsonNode virtual(String name, SourceRecord r) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (name) {
      case "_key" -> r.key() == null ? null : f.textNode(r.key());
      case "_timestamp" ->
          f.textNode(
              DATE_TIME.format(
                  LocalDateTime.ofInstant(
                      Instant.ofEpochMilli(r.timestampMillis()), ZoneOffset.UTC)));
      case "_partition" -> f.numberNode(r.partition());
      case "_offset" -> f.numberNode(r.offset());
      case "_topic" -> f.textNode(r.topic());
      case "_header_keys" -> strings(r.headerKeys());
      case "_header_values" -> strings(r.headerValues());
      case "_raw_message" -> f.textNode(new String(r.value(), StandardCharsets.UTF_8));
      default -> null;
    };
  }

  private static JsonNode strings(List<String> values) {
    var out = JsonNodeFactory.instance.arrayNode();
    values.forEach(out::add);
    return out;
  }
}
