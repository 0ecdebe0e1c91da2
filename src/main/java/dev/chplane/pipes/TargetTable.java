package dev.chplane.pipes;

import dev.chplane.provision.Sql;
import java.util.List;

/**
 * A table that a pipe's rows go to, with the columns its JSONEachRow rows carry: the pipe's
 * destination, or a table of the source's own (one per source table for CDC, a staging table).
 */
public record TargetTable(String database, String table, List<String> columns) {
  public TargetTable {
    columns = List.copyOf(columns);
  }

  /** The same columns in another table of the same database (e.g. a staging table). */
  public TargetTable named(String otherTable) {
    return new TargetTable(database, otherTable, columns);
  }

  /** {@code db.table}, quoted. */
  public String qualifiedName() {
    return Sql.name(database) + "." + Sql.name(table);
  }

  String insertQuery() {
    return "INSERT INTO "
        + qualifiedName()
        + " ("
        + String.join(", ", columns.stream().map(Sql::name).toList())
        + ") FORMAT JSONEachRow";
  }
}
