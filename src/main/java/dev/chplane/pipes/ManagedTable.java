package dev.chplane.pipes;

import dev.chplane.domain.PipeSpec;
import dev.chplane.provision.Sql;
import java.util.List;

/** The CREATE TABLE statement of a pipe's managed destination table. */
final class ManagedTable {
  private ManagedTable() {}

  static String createStatement(PipeSpec.Destination d) {
    PipeSpec.TableDefinition t = d.tableDefinition();
    StringBuilder sql =
        new StringBuilder("CREATE TABLE ")
            .append(Sql.name(d.database()))
            .append('.')
            .append(Sql.name(d.table()))
            .append(" (");
    List<PipeSpec.Column> columns = d.columns();
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i == 0 ? "" : ", ")
          .append(Sql.name(columns.get(i).name()))
          .append(' ')
          .append(columns.get(i).type());
    }
    sql.append(") ENGINE = ");
    switch (t.engineType()) {
      case "Null" -> {
        return sql.append("Null").toString();
      }
      case "ReplacingMergeTree" ->
          sql.append("ReplacingMergeTree(")
              .append(t.versionColumnId() == null ? "" : Sql.name(t.versionColumnId()))
              .append(')');
      case "SummingMergeTree" ->
          sql.append("SummingMergeTree(")
              .append(
                  t.columnIds().isEmpty()
                      ? ""
                      : "("
                          + String.join(", ", t.columnIds().stream().map(Sql::name).toList())
                          + ")")
              .append(')');
      default -> sql.append("MergeTree");
    }
    if (t.partitionBy() != null) {
      sql.append(" PARTITION BY ").append(t.partitionBy());
    }
    sql.append(" ORDER BY ")
        .append(
            t.sortingKey().isEmpty()
                ? "tuple()"
                : "(" + String.join(", ", t.sortingKey().stream().map(Sql::name).toList()) + ")");
    if (t.primaryKey() != null) {
      sql.append(" PRIMARY KEY ").append(t.primaryKey());
    }
    return sql.toString();
  }
}
