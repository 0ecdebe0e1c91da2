package dev.chplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.KafkaSource;
import dev.chplane.domain.PipeSpec;
import java.util.Map;

/**
 * The wire form of a ClickPipe ({@code ClickPipe} in the official document), plus {@code
 * failureReason} on a failed pipe; credentials never appear.
 */
final class ClickPipeView {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private ClickPipeView() {}

  static ObjectNode pipe(ClickPipe p) {
    PipeSpec spec = p.spec();
    ObjectNode out = JSON.objectNode();
    out.put("id", p.id().toString());
    out.put("serviceId", p.serviceId().toString());
    out.put("name", spec.name());
    out.put("state", p.state().wire());
    if (p.failureReason() != null) {
      // not in the official schema (which allows extra fields): why a Failed pipe failed
      out.put("failureReason", p.failureReason());
    }
    out.set("scaling", scaling(spec.scaling()));
    ObjectNode source = out.putObject("source");
    if (spec.source() instanceof KafkaSource k) {
      kafka(source.putObject(k.kind()), k, p);
    }
    out.set("destination", destination(spec.destination()));
    ArrayNode mappings = out.putArray("fieldMappings");
    for (PipeSpec.FieldMapping m : spec.fieldMappings()) {
      mappings
          .addObject()
          .put("sourceField", m.sourceField())
          .put("destinationField", m.destinationField());
    }
    out.set("settings", settings(spec.settings()));
    out.put("createdAt", p.createdAt().toString());
    out.put("updatedAt", p.updatedAt().toString());
    return out;
  }

  private static void kafka(ObjectNode kafka, KafkaSource k, ClickPipe p) {
    kafka.put("type", k.type());
    kafka.put("format", k.format());
    kafka.put("brokers", k.brokers());
    kafka.put("topics", k.topics());
    kafka.put(
        "consumerGroup", k.consumerGroup() != null ? k.consumerGroup() : "clickpipes-" + p.id());
    if (k.authentication() != null) {
      kafka.put("authentication", k.authentication());
    }
    if (k.offsetStrategy() != null) {
      ObjectNode offset = kafka.putObject("offset").put("strategy", k.offsetStrategy());
      if (k.offsetTimestamp() != null) {
        offset.put("timestamp", k.offsetTimestamp());
      }
    }
    if (k.caCertificate() != null) {
      kafka.put("caCertificate", k.caCertificate());
    }
  }

  static ObjectNode scaling(PipeSpec.PipeScaling s) {
    ObjectNode out = JSON.objectNode();
    out.put("replicas", s.replicas());
    out.put("replicaCpuMillicores", s.replicaCpuMillicores());
    out.put("replicaMemoryGb", s.replicaMemoryGb());
    return out;
  }

  static ObjectNode settings(Map<String, Object> settings) {
    ObjectNode out = JSON.objectNode();
    settings.forEach((k, v) -> out.putPOJO(k, v));
    return out;
  }

  private static ObjectNode destination(PipeSpec.Destination d) {
    ObjectNode out = JSON.objectNode();
    out.put("database", d.database());
    out.put("table", d.table());
    out.put("managedTable", d.managedTable());
    if (d.tableDefinition() != null) {
      PipeSpec.TableDefinition t = d.tableDefinition();
      ObjectNode def = out.putObject("tableDefinition");
      ObjectNode engine = def.putObject("engine").put("type", t.engineType());
      if (t.versionColumnId() != null) {
        engine.put("versionColumnId", t.versionColumnId());
      }
      ArrayNode ids = engine.putArray("columnIds");
      t.columnIds().forEach(ids::add);
      ArrayNode sorting = def.putArray("sortingKey");
      t.sortingKey().forEach(sorting::add);
      if (t.partitionBy() != null) {
        def.put("partitionBy", t.partitionBy());
      }
      if (t.primaryKey() != null) {
        def.put("primaryKey", t.primaryKey());
      }
    }
    ArrayNode columns = out.putArray("columns");
    for (PipeSpec.Column c : d.columns()) {
      columns.addObject().put("name", c.name()).put("type", c.type());
    }
    return out;
  }
}
