package dev.chplane.store;

import static dev.chplane.store.StoredFields.required;
import static dev.chplane.store.StoredFields.requiredList;
import static dev.chplane.store.StoredFields.requiredStrings;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.chplane.domain.KafkaSource;
import dev.chplane.domain.PipeSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A ClickPipe's spec as stored in {@code clickpipes.spec}. The JSON names are pinned here and do
 * not follow the domain record. {@code settings} is written in key order (it was Map.copyOf's order
 * before, which differs from one JVM to the next), its values as JSON scalars. Which fields may be
 * null or absent is said on each nested record; every other field is required.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"name", "kafka", "destination", "fieldMappings", "scaling", "settings"})
record StoredPipeSpec(
    @JsonProperty("name") String name,
    @JsonProperty("kafka") Kafka kafka,
    @JsonProperty("destination") Destination destination,
    @JsonProperty("fieldMappings") List<FieldMapping> fieldMappings,
    @JsonProperty("scaling") Scaling scaling,
    @JsonProperty("settings") Map<String, Object> settings) {

  private static final String ROOT = "pipeSpec";

  static StoredPipeSpec from(PipeSpec p) {
    // each source kind is a sibling field of its own; only Kafka exists so far
    if (!(p.source() instanceof KafkaSource k)) {
      throw new IllegalStateException("no stored shape for a " + p.source().kind() + " source yet");
    }
    Kafka kafka = Kafka.from(k);
    return new StoredPipeSpec(
        p.name(),
        kafka,
        Destination.from(p.destination()),
        p.fieldMappings().stream().map(FieldMapping::from).toList(),
        Scaling.from(p.scaling()),
        new TreeMap<>(p.settings()));
  }

  PipeSpec toDomain() {
    required(settings, ROOT + ".settings").forEach((k, v) -> required(v, ROOT + ".settings." + k));
    return new PipeSpec(
        required(name, ROOT + ".name"),
        required(kafka, ROOT + ".kafka").toDomain(ROOT + ".kafka"),
        required(destination, ROOT + ".destination").toDomain(ROOT + ".destination"),
        requiredList(fieldMappings, ROOT + ".fieldMappings", FieldMapping::toDomain),
        required(scaling, ROOT + ".scaling").toDomain(ROOT + ".scaling"),
        settings);
  }

  /**
   * A Kafka source. {@code consumerGroup}, {@code authentication}, {@code offsetStrategy}, {@code
   * offsetTimestamp} and {@code caCertificate} may be null or absent (not sent).
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({
    "type",
    "format",
    "brokers",
    "topics",
    "consumerGroup",
    "authentication",
    "offsetStrategy",
    "offsetTimestamp",
    "caCertificate"
  })
  record Kafka(
      @JsonProperty("type") String type,
      @JsonProperty("format") String format,
      @JsonProperty("brokers") String brokers,
      @JsonProperty("topics") String topics,
      @JsonProperty("consumerGroup") String consumerGroup,
      @JsonProperty("authentication") String authentication,
      @JsonProperty("offsetStrategy") String offsetStrategy,
      @JsonProperty("offsetTimestamp") String offsetTimestamp,
      @JsonProperty("caCertificate") String caCertificate) {

    static Kafka from(KafkaSource k) {
      return new Kafka(
          k.type(),
          k.format(),
          k.brokers(),
          k.topics(),
          k.consumerGroup(),
          k.authentication(),
          k.offsetStrategy(),
          k.offsetTimestamp(),
          k.caCertificate());
    }

    KafkaSource toDomain(String path) {
      return new KafkaSource(
          required(type, path + ".type"),
          required(format, path + ".format"),
          required(brokers, path + ".brokers"),
          required(topics, path + ".topics"),
          consumerGroup,
          authentication,
          offsetStrategy,
          offsetTimestamp,
          caCertificate);
    }
  }

  /** Where rows go; {@code tableDefinition} may be null or absent (an existing table). */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"database", "table", "managedTable", "tableDefinition", "columns"})
  record Destination(
      @JsonProperty("database") String database,
      @JsonProperty("table") String table,
      @JsonProperty("managedTable") Boolean managedTable,
      @JsonProperty("tableDefinition") TableDefinition tableDefinition,
      @JsonProperty("columns") List<Column> columns) {

    static Destination from(PipeSpec.Destination d) {
      return new Destination(
          d.database(),
          d.table(),
          d.managedTable(),
          d.tableDefinition() == null ? null : TableDefinition.from(d.tableDefinition()),
          d.columns().stream().map(Column::from).toList());
    }

    PipeSpec.Destination toDomain(String path) {
      return new PipeSpec.Destination(
          required(database, path + ".database"),
          required(table, path + ".table"),
          required(managedTable, path + ".managedTable"),
          tableDefinition == null ? null : tableDefinition.toDomain(path + ".tableDefinition"),
          requiredList(columns, path + ".columns", Column::toDomain));
    }
  }

  /**
   * A managed table's engine and keys; {@code versionColumnId}, {@code partitionBy}, {@code
   * primaryKey} may be null or absent.
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({
    "engineType",
    "versionColumnId",
    "columnIds",
    "sortingKey",
    "partitionBy",
    "primaryKey"
  })
  record TableDefinition(
      @JsonProperty("engineType") String engineType,
      @JsonProperty("versionColumnId") String versionColumnId,
      @JsonProperty("columnIds") List<String> columnIds,
      @JsonProperty("sortingKey") List<String> sortingKey,
      @JsonProperty("partitionBy") String partitionBy,
      @JsonProperty("primaryKey") String primaryKey) {

    static TableDefinition from(PipeSpec.TableDefinition t) {
      return new TableDefinition(
          t.engineType(),
          t.versionColumnId(),
          t.columnIds(),
          t.sortingKey(),
          t.partitionBy(),
          t.primaryKey());
    }

    PipeSpec.TableDefinition toDomain(String path) {
      return new PipeSpec.TableDefinition(
          required(engineType, path + ".engineType"),
          versionColumnId,
          requiredStrings(columnIds, path + ".columnIds"),
          requiredStrings(sortingKey, path + ".sortingKey"),
          partitionBy,
          primaryKey);
    }
  }

  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"name", "type"})
  record Column(@JsonProperty("name") String name, @JsonProperty("type") String type) {

    static Column from(PipeSpec.Column c) {
      return new Column(c.name(), c.type());
    }

    PipeSpec.Column toDomain(String path) {
      return new PipeSpec.Column(required(name, path + ".name"), required(type, path + ".type"));
    }
  }

  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"sourceField", "destinationField"})
  record FieldMapping(
      @JsonProperty("sourceField") String sourceField,
      @JsonProperty("destinationField") String destinationField) {

    static FieldMapping from(PipeSpec.FieldMapping m) {
      return new FieldMapping(m.sourceField(), m.destinationField());
    }

    PipeSpec.FieldMapping toDomain(String path) {
      return new PipeSpec.FieldMapping(
          required(sourceField, path + ".sourceField"),
          required(destinationField, path + ".destinationField"));
    }
  }

  @JsonInclude(JsonInclude.Include.ALWAYS)
  @JsonPropertyOrder({"replicas", "replicaCpuMillicores", "replicaMemoryGb"})
  record Scaling(
      @JsonProperty("replicas") Integer replicas,
      @JsonProperty("replicaCpuMillicores") Integer replicaCpuMillicores,
      @JsonProperty("replicaMemoryGb") Double replicaMemoryGb) {

    static Scaling from(PipeSpec.PipeScaling s) {
      return new Scaling(s.replicas(), s.replicaCpuMillicores(), s.replicaMemoryGb());
    }

    PipeSpec.PipeScaling toDomain(String path) {
      return new PipeSpec.PipeScaling(
          required(replicas, path + ".replicas"),
          required(replicaCpuMillicores, path + ".replicaCpuMillicores"),
          required(replicaMemoryGb, path + ".replicaMemoryGb"));
    }
  }
}
