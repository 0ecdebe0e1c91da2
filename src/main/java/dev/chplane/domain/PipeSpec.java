package dev.chplane.domain;

import java.util.List;
import java.util.Map;

/**
 * What the user configured on a ClickPipe, echoed as sent. Credentials are not here: they are kept
 * encrypted apart ({@link ClickPipe#encryptedCredentials()}) and never returned.
 */
public record PipeSpec(
    String name,
    PipeSource source,
    Destination destination,
    List<FieldMapping> fieldMappings,
    PipeScaling scaling,
    Map<String, Object> settings) {

  public PipeSpec {
    java.util.Objects.requireNonNull(source, "source");
    fieldMappings = List.copyOf(fieldMappings);
    settings = Map.copyOf(settings);
  }

  /** Where rows go, and for a managed table how to create it. */
  public record Destination(
      String database,
      String table,
      boolean managedTable,
      TableDefinition tableDefinition,
      List<Column> columns) {
    public Destination {
      columns = List.copyOf(columns);
    }
  }

  public record TableDefinition(
      String engineType,
      String versionColumnId,
      List<String> columnIds,
      List<String> sortingKey,
      String partitionBy,
      String primaryKey) {}

  public record Column(String name, String type) {}

  public record FieldMapping(String sourceField, String destinationField) {}

  /** Workers and the size of each; always greater than zero. */
  public record PipeScaling(int replicas, int replicaCpuMillicores, double replicaMemoryGb) {}

  public PipeSpec withSource(PipeSource value) {
    return new PipeSpec(name, value, destination, fieldMappings, scaling, settings);
  }

  public PipeSpec withDestination(Destination value) {
    return new PipeSpec(name, source, value, fieldMappings, scaling, settings);
  }

  public PipeSpec withName(String value) {
    return new PipeSpec(value, source, destination, fieldMappings, scaling, settings);
  }

  public PipeSpec withScaling(PipeScaling value) {
    return new PipeSpec(name, source, destination, fieldMappings, value, settings);
  }

  public PipeSpec withSettings(Map<String, Object> value) {
    return new PipeSpec(name, source, destination, fieldMappings, scaling, value);
  }

  public PipeSpec withFieldMappings(List<FieldMapping> value) {
    return new PipeSpec(name, source, destination, value, scaling, settings);
  }
}
