package dev.chplane.domain;

import java.util.List;
import java.util.Map;

/**
 * What the user configured on a ClickPipe, echoed as sent. Credentials are not here: they are kept
 * encrypted apart ({@link ClickPipe#encryptedCredentials()}) and never returned.
 */
public record PipeSpec(
    String name,
    KafkaSource kafka,
    Destination destination,
    List<FieldMapping> fieldMappings,
    PipeScaling scaling,
    Map<String, Object> settings) {

  public PipeSpec {
    fieldMappings = List.copyOf(fieldMappings);
    settings = Map.copyOf(settings);
  }

  /**
   * A Kafka source. {@code authentication} null means a plaintext broker without SASL; {@code
   * offsetStrategy} null means none was sent (the pipe starts from the beginning, and none is echoed).
   */
  public record KafkaSource(String type, String format, String brokers, String topics, String consumerGroup,
      String authentication, String offsetStrategy, String offsetTimestamp, String caCertificate) {

    public List<String> topicList() {
      return List.of(topics.split("\\s*,\\s*"));
    }
  }

  /** Where rows go, and for a managed table how to create it. */
  public record Destination(String database, String table, boolean managedTable, TableDefinition tableDefinition,
      List<Column> columns) {
    public Destination {
      columns = List.copyOf(columns);
    }
  }

  public record TableDefinition(String engineType, String versionColumnId, List<String> columnIds,
      List<String> sortingKey, String partitionBy, String primaryKey) {}

  public record Column(String name, String type) {}

  public record FieldMapping(String sourceField, String destinationField) {}

  /** Workers and the size of each; always greater than zero. */
  public record PipeScaling(int replicas, int replicaCpuMillicores, double replicaMemoryGb) {}

  public PipeSpec withName(String value) {
    return new PipeSpec(value, kafka, destination, fieldMappings, scaling, settings);
  }

  public PipeSpec withScaling(PipeScaling value) {
    return new PipeSpec(name, kafka, destination, fieldMappings, value, settings);
  }

  public PipeSpec withSettings(Map<String, Object> value) {
    return new PipeSpec(name, kafka, destination, fieldMappings, scaling, value);
  }

  public PipeSpec withFieldMappings(List<FieldMapping> value) {
    return new PipeSpec(name, kafka, destination, value, scaling, settings);
  }
}
