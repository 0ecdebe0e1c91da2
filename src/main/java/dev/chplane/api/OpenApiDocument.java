package dev.chplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * chplane's own OpenAPI document, served at {@code GET /v1}: the official ClickHouse Cloud document
 * (a copy shipped in the jar, pinned by its SHA-256 in a test) with only the operations chplane
 * implements, under their official paths and schemas.
 */
final class OpenApiDocument {
  static final String OFFICIAL = "/openapi/clickhouse-cloud-openapi.json";

  private OpenApiDocument() {}

  static JsonNode official(ObjectMapper mapper) {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(OFFICIAL)) {
      if (in == null) {
        throw new IllegalStateException(OFFICIAL + " is missing from the classpath");
      }
      return mapper.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + OFFICIAL, e);
    }
  }

  static String build(ObjectMapper mapper, List<ApiRoutes.Operation> implemented) {
    ObjectNode doc = (ObjectNode) official(mapper);
    JsonNode officialPaths = doc.get("paths");
    ObjectNode paths = mapper.createObjectNode();
    for (ApiRoutes.Operation op : implemented) {
      JsonNode item = officialPaths.get(op.path());
      if (item == null || !item.has(op.method())) {
        continue;
      }
      ObjectNode target =
          paths.has(op.path()) ? (ObjectNode) paths.get(op.path()) : paths.putObject(op.path());
      target.set(op.method(), item.get(op.method()));
      if (item.has("parameters")) {
        target.set("parameters", item.get("parameters"));
      }
    }
    doc.set("paths", paths);
    ObjectNode info = (ObjectNode) doc.get("info");
    info.put(
        "title", "chplane: the ClickHouse Cloud API v1 operations this installation implements");
    info.put("x-chplane-source", "the official ClickHouse Cloud OpenAPI document, paths filtered");
    doc.remove("servers");
    try {
      return mapper.writeValueAsString(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
