package dev.chplane.api;

import dev.chplane.domain.KafkaSource;
import dev.chplane.domain.PipeSource;
import dev.chplane.domain.PipeSpec;
import dev.chplane.domain.SourceCredentials;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads ClickPipe request bodies ({@code ClickPipePostRequest} and friends). Only Kafka sources
 * exist here so far; other kinds, and options that need a cloud account or a schema registry, are
 * refused with a 400 that says why.
 */
final class ClickPipeRequests {
  private static final Set<String> ENGINES =
      Set.of("MergeTree", "ReplacingMergeTree", "SummingMergeTree", "Null");
  static final Set<String> OTHER_SOURCES =
      Set.of("objectStorage", "kinesis", "pubsub", "postgres", "mysql", "bigquery", "mongodb");

  /** A parsed create request: the spec and the credentials, which are stored apart, encrypted. */
  record NewPipe(PipeSpec spec, SourceCredentials credentials) {}

  /** A parsed {@code source}: what the pipe reads and the credentials of that kind of source. */
  record NewSource(PipeSource source, SourceCredentials credentials) {}

  private ClickPipeRequests() {}

  /**
   * The fields of a ClickPipeSettingsPutRequest (all nullable: null leaves a setting at its
   * default).
   */
  static final String[] SETTINGS = {
    "streaming_max_insert_wait_ms",
    "object_storage_concurrency",
    "object_storage_polling_interval_ms",
    "object_storage_max_insert_bytes",
    "object_storage_max_file_count",
    "clickhouse_max_threads",
    "clickhouse_max_insert_threads",
    "clickhouse_min_insert_block_size_bytes",
    "clickhouse_max_download_threads",
    "clickhouse_parallel_distributed_insert_select",
    "object_storage_use_cluster_function",
    "clickhouse_parallel_view_processing"
  };

  static NewPipe create(JsonBody body) {
    // the fields the official ClickPipePostRequest types nullable
    JsonBody b =
        body.nullable(
            "source.kafka",
            "source.objectStorage",
            "source.kinesis",
            "source.pubsub",
            "source.mysql",
            "source.bigquery",
            "source.mongodb",
            "source.kafka.consumerGroup",
            "source.kafka.iamRole",
            "source.kafka.offset",
            "source.kafka.schemaRegistry",
            "source.kafka.caCertificate",
            "source.kafka.exactlyOnce",
            "source.kafka.offset.timestamp",
            "destination.tableDefinition.engine.versionColumnId");
    String name = b.text("name", 1, 255).orElseThrow(() -> b.bad("name", "is required"));
    JsonBody source = b.object("source").orElseThrow(() -> b.bad("source", "is required"));
    NewSource parsed = source(source);
    JsonBody dest = b.object("destination").orElseThrow(() -> b.bad("destination", "is required"));
    PipeSpec.Destination destination = destination(dest);
    List<PipeSpec.FieldMapping> mappings = fieldMappings(b, destination);
    PipeSpec.PipeScaling scaling =
        scaling(b.object("scaling"), new PipeSpec.PipeScaling(1, 125, 0.5), Integer.MAX_VALUE);
    Map<String, Object> settings =
        b.object("settings").map(ClickPipeRequests::settings).orElse(Map.of());
    return new NewPipe(
        new PipeSpec(name, parsed.source(), destination, mappings, scaling, settings),
        parsed.credentials());
  }

  /**
   * Reads {@code source} by its kind: one object per kind, of which only Kafka is offered so far.
   */
  private static NewSource source(JsonBody source) {
    source.bool("validateSamples");
    for (String other : OTHER_SOURCES) {
      if (source.has(other)) {
        throw source.bad(other, "this installation offers Kafka sources only so far");
      }
    }
    JsonBody kafka = source.object("kafka").orElseThrow(() -> source.bad("kafka", "is required"));
    KafkaSource k = KafkaSourceRequests.source(kafka);
    return new NewSource(k, KafkaSourceRequests.credentials(kafka, k.authentication()));
  }

  /** The destination's {@code columns}, when sent. */
  static Optional<List<PipeSpec.Column>> columns(JsonBody d) {
    return d.objects("columns", 1000)
        .map(
            sent -> {
              List<PipeSpec.Column> columns = new ArrayList<>();
              for (JsonBody c : sent) {
                String name =
                    c.string("name", 1, 255).orElseThrow(() -> c.bad("name", "is required"));
                String type =
                    c.string("type", 1, 1024).orElseThrow(() -> c.bad("type", "is required"));
                columns.add(new PipeSpec.Column(name, type));
              }
              return columns;
            });
  }

  private static PipeSpec.Destination destination(JsonBody d) {
    String database = d.string("database", 1, 255).orElse("default");
    String table = d.string("table", 1, 255).orElseThrow(() -> d.bad("table", "is required"));
    boolean managed = d.bool("managedTable").orElse(false);
    List<PipeSpec.Column> columns = columns(d).orElse(List.of());
    d.strings("roles", 100);
    if (managed && columns.isEmpty()) {
      throw d.bad("columns", "are required when managedTable is true");
    }
    PipeSpec.TableDefinition definition = null;
    Optional<JsonBody> def = d.object("tableDefinition");
    if (def.isPresent()) {
      JsonBody t = def.get();
      JsonBody engine = t.object("engine").orElseThrow(() -> t.bad("engine", "is required"));
      String type =
          engine.oneOf("type", ENGINES).orElseThrow(() -> engine.bad("type", "is required"));
      String version = engine.string("versionColumnId").orElse(null);
      List<String> columnIds = engine.strings("columnIds", 1000).orElse(List.of());
      if (type.equals("ReplacingMergeTree")
          && version != null
          && columns.stream().noneMatch(c -> c.name().equals(version))) {
        throw engine.bad("versionColumnId", "'" + version + "' is not one of the columns");
      }
      for (String id : columnIds) {
        if (columns.stream().noneMatch(c -> c.name().equals(id))) {
          throw engine.bad("columnIds", "'" + id + "' is not one of the columns");
        }
      }
      List<String> sorting = t.strings("sortingKey", 100).orElse(List.of());
      definition =
          new PipeSpec.TableDefinition(
              type,
              version,
              columnIds,
              sorting,
              t.string("partitionBy", 1, 1024).orElse(null),
              t.string("primaryKey", 1, 1024).orElse(null));
    } else if (managed) {
      definition =
          new PipeSpec.TableDefinition("MergeTree", null, List.of(), List.of(), null, null);
    }
    return new PipeSpec.Destination(database, table, managed, definition, columns);
  }

  static List<PipeSpec.FieldMapping> fieldMappings(JsonBody b, PipeSpec.Destination destination) {
    List<PipeSpec.FieldMapping> out = new ArrayList<>();
    for (JsonBody m : b.objects("fieldMappings", 1000).orElse(List.of())) {
      String source =
          m.string("sourceField", 1, 1024).orElseThrow(() -> m.bad("sourceField", "is required"));
      String target =
          m.string("destinationField", 1, 255)
              .orElseThrow(() -> m.bad("destinationField", "is required"));
      if (!destination.columns().isEmpty()
          && destination.columns().stream().noneMatch(c -> c.name().equals(target))) {
        throw m.bad("destinationField", "'" + target + "' is not a column of the destination");
      }
      out.add(new PipeSpec.FieldMapping(source, target));
    }
    return out;
  }

  /**
   * Merges the scaling fields present into {@code current}. {@code concurrency} (deprecated in the
   * official document; a Kafka pipe's parallelism is its replicas here) is checked against {@code
   * maxConcurrency} and otherwise ignored.
   */
  static PipeSpec.PipeScaling scaling(
      Optional<JsonBody> body, PipeSpec.PipeScaling current, int maxConcurrency) {
    if (body.isEmpty()) {
      return current;
    }
    JsonBody s = body.get();
    int replicas = s.wholeNumber("replicas", 1, 40, 1).orElse(current.replicas());
    s.wholeNumber("concurrency", 0, maxConcurrency, 1);
    int cpu =
        s.wholeNumber("replicaCpuMillicores", 125, 2000, 1).orElse(current.replicaCpuMillicores());
    double memory = s.number("replicaMemoryGb", 0.5, 8).orElse(current.replicaMemoryGb());
    return new PipeSpec.PipeScaling(replicas, cpu, memory);
  }

  static Map<String, Object> settings(JsonBody body) {
    JsonBody s = body.nullable(SETTINGS);
    Map<String, Object> out = new LinkedHashMap<>();
    range(s, out, "streaming_max_insert_wait_ms", 500, 60000);
    range(s, out, "object_storage_concurrency", 1, 35);
    range(s, out, "object_storage_polling_interval_ms", 100, 3600000);
    range(s, out, "object_storage_max_file_count", 1, 10000);
    range(s, out, "clickhouse_max_threads", 0, 64);
    range(s, out, "clickhouse_max_insert_threads", 0, 16);
    range(s, out, "clickhouse_max_download_threads", 0, 32);
    range(s, out, "clickhouse_parallel_distributed_insert_select", 0, 2);
    s.wholeLong("object_storage_max_insert_bytes", 10485760L, 53687091200L)
        .ifPresent(v -> out.put("object_storage_max_insert_bytes", v));
    s.wholeLong("clickhouse_min_insert_block_size_bytes", 0, 10737418240L)
        .ifPresent(v -> out.put("clickhouse_min_insert_block_size_bytes", v));
    for (String flag :
        List.of("object_storage_use_cluster_function", "clickhouse_parallel_view_processing")) {
      s.bool(flag).ifPresent(v -> out.put(flag, v));
    }
    return out;
  }

  private static void range(JsonBody s, Map<String, Object> out, String field, int min, int max) {
    s.wholeNumber(field, min, max, 1).ifPresent(v -> out.put(field, v));
  }

  static ApiException unsupportedResync() {
    return ApiException.badRequest(
        "command: resync applies to database pipes (PostgreSQL, MySQL, ...);"
            + " a Kafka pipe cannot be resynced");
  }
}
