package dev.chplane.api;

import dev.chplane.domain.PipeSpec;
import dev.chplane.pipes.PipeCredentials;
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
  private static final Set<String> KAFKA_TYPES = Set.of("kafka", "redpanda", "msk", "gcmk", "confluent",
      "warpstream", "azureeventhub", "dokafka");
  private static final Map<String, Set<String>> AUTH_BY_TYPE = Map.of(
      "kafka", Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "MUTUAL_TLS"),
      "msk", Set.of("SCRAM-SHA-512", "IAM_ROLE", "IAM_USER", "MUTUAL_TLS"),
      "gcmk", Set.of("PLAIN", "MUTUAL_TLS"),
      "confluent", Set.of("PLAIN", "MUTUAL_TLS"),
      "warpstream", Set.of("PLAIN"),
      "azureeventhub", Set.of("PLAIN"),
      "redpanda", Set.of("SCRAM-SHA-256", "SCRAM-SHA-512", "MUTUAL_TLS"),
      "dokafka", Set.of("SCRAM-SHA-256", "MUTUAL_TLS"));
  private static final Set<String> ENGINES = Set.of("MergeTree", "ReplacingMergeTree", "SummingMergeTree", "Null");
  /** The fields of the official Kafka credentials object, whatever the authentication method. */
  static final List<String> CREDENTIAL_FIELDS = List.of("username", "password", "accessKeyId", "secretKey",
      "connectionString", "certificate", "privateKey");
  static final Set<String> OTHER_SOURCES = Set.of("objectStorage", "kinesis", "pubsub", "postgres", "mysql",
      "bigquery", "mongodb");

  /** A parsed create request: the spec and the credentials, which are stored apart, encrypted. */
  record NewPipe(PipeSpec spec, PipeCredentials credentials) {}

  private ClickPipeRequests() {}

  /** The fields of a ClickPipeSettingsPutRequest (all nullable: null leaves a setting at its default). */
  static final String[] SETTINGS = {"streaming_max_insert_wait_ms", "object_storage_concurrency",
      "object_storage_polling_interval_ms", "object_storage_max_insert_bytes", "object_storage_max_file_count",
      "clickhouse_max_threads", "clickhouse_max_insert_threads", "clickhouse_min_insert_block_size_bytes",
      "clickhouse_max_download_threads", "clickhouse_parallel_distributed_insert_select",
      "object_storage_use_cluster_function", "clickhouse_parallel_view_processing"};

  static NewPipe create(JsonBody body) {
    // the fields the official ClickPipePostRequest types nullable
    JsonBody b = body.nullable("source.kafka", "source.objectStorage", "source.kinesis", "source.pubsub",
        "source.mysql", "source.bigquery", "source.mongodb", "source.kafka.consumerGroup", "source.kafka.iamRole",
        "source.kafka.offset", "source.kafka.schemaRegistry", "source.kafka.caCertificate", "source.kafka.exactlyOnce",
        "source.kafka.offset.timestamp", "destination.tableDefinition.engine.versionColumnId");
    String name = b.text("name", 1, 255).orElseThrow(() -> b.bad("name", "is required"));
    JsonBody source = b.object("source").orElseThrow(() -> b.bad("source", "is required"));
    source.bool("validateSamples");
    for (String other : OTHER_SOURCES) {
      if (source.has(other)) {
        throw source.bad(other, "this installation offers Kafka sources only so far");
      }
    }
    JsonBody kafka = source.object("kafka").orElseThrow(() -> source.bad("kafka", "is required"));
    PipeSpec.KafkaSource k = kafka(kafka);
    PipeCredentials credentials = credentials(kafka, k.authentication());
    JsonBody dest = b.object("destination").orElseThrow(() -> b.bad("destination", "is required"));
    PipeSpec.Destination destination = destination(dest);
    List<PipeSpec.FieldMapping> mappings = fieldMappings(b, destination);
    PipeSpec.PipeScaling scaling = scaling(b.object("scaling"), new PipeSpec.PipeScaling(1, 125, 0.5), Integer.MAX_VALUE);
    Map<String, Object> settings = b.object("settings").map(ClickPipeRequests::settings).orElse(Map.of());
    return new NewPipe(new PipeSpec(name, k, destination, mappings, scaling, settings), credentials);
  }

  private static PipeSpec.KafkaSource kafka(JsonBody k) {
    String type = k.oneOf("type", KAFKA_TYPES).orElse("kafka");
    String format = k.oneOf("format", Set.of("JSONEachRow", "Avro", "AvroConfluent", "Protobuf")).orElse("JSONEachRow");
    if (!format.equals("JSONEachRow")) {
      throw k.bad("format", "'" + format + "' needs a schema registry, which this installation cannot run yet; use JSONEachRow");
    }
    String brokers = k.string("brokers", 1, 4096).orElseThrow(() -> k.bad("brokers", "is required (host:port, comma separated)"));
    for (String broker : brokers.split(",")) {
      if (!broker.trim().matches("[A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5}")) {
        throw k.bad("brokers", "'" + broker.trim() + "' is not host:port");
      }
    }
    String topics = k.string("topics", 1, 4096).orElseThrow(() -> k.bad("topics", "is required (comma separated)"));
    for (String topic : topics.split(",")) {
      if (!topic.trim().matches("[A-Za-z0-9._\\-]{1,249}")) {
        throw k.bad("topics", "'" + topic.trim() + "' is not a valid Kafka topic name");
      }
    }
    String group = k.text("consumerGroup", 1, 255).orElse(null);
    k.string("iamRole");
    String auth = k.oneOf("authentication", Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "IAM_ROLE", "IAM_USER", "MUTUAL_TLS"))
        .orElse(null);
    if ("IAM_ROLE".equals(auth) || "IAM_USER".equals(auth)) {
      throw k.bad("authentication", auth + " needs an AWS account and MSK; it is not available on a self-hosted installation");
    }
    if (auth != null && !AUTH_BY_TYPE.get(type).contains(auth)) {
      throw k.bad("authentication", auth + " is not supported for type " + type + " (supported: "
          + String.join(", ", AUTH_BY_TYPE.get(type).stream().sorted().toList()) + ")");
    }
    if (auth == null && !Set.of("kafka", "redpanda").contains(type)) {
      throw k.bad("authentication", "is required for type " + type);
    }
    // no offset sent: none is echoed, and the pipe starts from the beginning
    String strategy = null;
    String timestamp = null;
    Optional<JsonBody> offset = k.object("offset");
    if (offset.isPresent()) {
      strategy = offset.get().oneOf("strategy", Set.of("from_beginning", "from_latest", "from_timestamp"))
          .orElse("from_beginning");
      timestamp = offset.get().string("timestamp").orElse(null);
      if (strategy.equals("from_timestamp")) {
        if (timestamp == null || !timestamp.matches("\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(:\\d{2})?Z?")) {
          throw offset.get().bad("timestamp", "from_timestamp needs a UTC timestamp such as 2026-01-31 12:00");
        }
        if (timestamp.length() <= 17) {
          timestamp = timestamp.replaceAll("Z$", "") + ":00";
        }
      }
    }
    if (k.has("schemaRegistry")) {
      throw k.bad("schemaRegistry", "schema registries are not available on this installation yet");
    }
    if (k.bool("exactlyOnce").orElse(false)) {
      throw k.bad("exactlyOnce", "exactly-once delivery is not offered yet: pipes deliver at least once");
    }
    if (k.strings("reversePrivateEndpointIds", 100).map(l -> !l.isEmpty()).orElse(false)) {
      throw k.bad("reversePrivateEndpointIds", "private endpoints are cloud network resources");
    }
    String ca = k.string("caCertificate").filter(s -> !s.isBlank()).orElse(null);
    if (ca != null && !ca.contains("-----BEGIN CERTIFICATE-----")) {
      throw k.bad("caCertificate", "must be PEM (-----BEGIN CERTIFICATE-----)");
    }
    return new PipeSpec.KafkaSource(type, format, brokers, topics, group, auth, strategy, timestamp, ca);
  }

  private static PipeCredentials credentials(JsonBody k, String auth) {
    // checked even where unused (no authentication), like every documented field
    Optional<JsonBody> sent = k.object("credentials");
    if (auth == null) {
      return PipeCredentials.NONE;
    }
    JsonBody c = sent.orElseThrow(() -> k.bad("credentials", "are required for " + auth));
    // every documented field is checked, also those of other methods (which are not used)
    for (String field : CREDENTIAL_FIELDS) {
      c.string(field);
    }
    if (auth.equals("MUTUAL_TLS")) {
      String cert = c.string("certificate").orElseThrow(() -> c.bad("certificate", "is required for MUTUAL_TLS"));
      String key = c.string("privateKey").orElseThrow(() -> c.bad("privateKey", "is required for MUTUAL_TLS"));
      if (!cert.contains("-----BEGIN CERTIFICATE-----")) {
        throw c.bad("certificate", "must be PEM (-----BEGIN CERTIFICATE-----)");
      }
      if (!key.contains("-----BEGIN PRIVATE KEY-----")) {
        throw c.bad("privateKey", "must be an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)");
      }
      return new PipeCredentials(null, null, cert, key);
    }
    String user = c.string("username", 1, 1024).orElseThrow(() -> c.bad("username", "is required for " + auth));
    String password = c.string("password", 1, 4096).orElseThrow(() -> c.bad("password", "is required for " + auth));
    return new PipeCredentials(user, password, null, null);
  }

  /** The destination's {@code columns}, when sent. */
  static Optional<List<PipeSpec.Column>> columns(JsonBody d) {
    return d.objects("columns", 1000).map(sent -> {
      List<PipeSpec.Column> columns = new ArrayList<>();
      for (JsonBody c : sent) {
        String name = c.string("name", 1, 255).orElseThrow(() -> c.bad("name", "is required"));
        String type = c.string("type", 1, 1024).orElseThrow(() -> c.bad("type", "is required"));
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
      String type = engine.oneOf("type", ENGINES).orElseThrow(() -> engine.bad("type", "is required"));
      String version = engine.string("versionColumnId").orElse(null);
      List<String> columnIds = engine.strings("columnIds", 1000).orElse(List.of());
      if (type.equals("ReplacingMergeTree") && version != null && columns.stream().noneMatch(c -> c.name().equals(version))) {
        throw engine.bad("versionColumnId", "'" + version + "' is not one of the columns");
      }
      for (String id : columnIds) {
        if (columns.stream().noneMatch(c -> c.name().equals(id))) {
          throw engine.bad("columnIds", "'" + id + "' is not one of the columns");
        }
      }
      List<String> sorting = t.strings("sortingKey", 100).orElse(List.of());
      definition = new PipeSpec.TableDefinition(type, version, columnIds, sorting,
          t.string("partitionBy", 1, 1024).orElse(null), t.string("primaryKey", 1, 1024).orElse(null));
    } else if (managed) {
      definition = new PipeSpec.TableDefinition("MergeTree", null, List.of(), List.of(), null, null);
    }
    return new PipeSpec.Destination(database, table, managed, definition, columns);
  }

  static List<PipeSpec.FieldMapping> fieldMappings(JsonBody b, PipeSpec.Destination destination) {
    List<PipeSpec.FieldMapping> out = new ArrayList<>();
    for (JsonBody m : b.objects("fieldMappings", 1000).orElse(List.of())) {
      String source = m.string("sourceField", 1, 1024).orElseThrow(() -> m.bad("sourceField", "is required"));
      String target = m.string("destinationField", 1, 255).orElseThrow(() -> m.bad("destinationField", "is required"));
      if (!destination.columns().isEmpty() && destination.columns().stream().noneMatch(c -> c.name().equals(target))) {
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
  static PipeSpec.PipeScaling scaling(Optional<JsonBody> body, PipeSpec.PipeScaling current, int maxConcurrency) {
    if (body.isEmpty()) {
      return current;
    }
    JsonBody s = body.get();
    int replicas = s.wholeNumber("replicas", 1, 40, 1).orElse(current.replicas());
    s.wholeNumber("concurrency", 0, maxConcurrency, 1);
    int cpu = s.wholeNumber("replicaCpuMillicores", 125, 2000, 1).orElse(current.replicaCpuMillicores());
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
    for (String flag : List.of("object_storage_use_cluster_function", "clickhouse_parallel_view_processing")) {
      s.bool(flag).ifPresent(v -> out.put(flag, v));
    }
    return out;
  }

  private static void range(JsonBody s, Map<String, Object> out, String field, int min, int max) {
    s.wholeNumber(field, min, max, 1).ifPresent(v -> out.put(field, v));
  }

  static ApiException unsupportedResync() {
    return ApiException.badRequest("command: resync applies to database pipes (PostgreSQL, MySQL, ...);"
        + " a Kafka pipe cannot be resynced");
  }
}
