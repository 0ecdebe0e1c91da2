package dev.chplane.pipes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A row of a pipe's error table ({@code <table>_clickpipes_error}: timestamp, topic, partition,
 * offset, error, raw) for a message that could not be made into a row, as one JSONEachRow line.
 */
final class ErrorRows {
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private ErrorRows() {}

  static byte[] line(ObjectMapper json, SourceRecord r, String reason) {
    ObjectNode row = json.createObjectNode();
    row.put("timestamp", DATE_TIME.format(LocalDateTime.ofInstant(Instant.now(), ZoneOffset.UTC)));
    row.put("topic", r.topic());
    row.put("partition", r.partition());
    row.put("offset", r.offset());
    row.put("error", reason);
    row.put("raw", new String(r.value(), StandardCharsets.UTF_8));
    try {
      return (json.writeValueAsString(row) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
