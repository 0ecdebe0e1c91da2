package dev.chplane.pipes;

import java.util.List;

/**
 * A batch handed over for insertion: the JSONEachRow rows of each table it writes (the pipe's
 * destination, or several tables for a source that has them), in the order they were first written,
 * and the error-table rows of the records that could not be made into rows.
 *
 * @param oldestTimestampMillis the earliest source timestamp among its records; {@code
 *     Long.MAX_VALUE} when none had one
 */
public record SealedBatch(
    List<TableRows> tables, byte[] errors, int errorCount, long oldestTimestampMillis) {

  /** The rows of one table. */
  public record TableRows(TargetTable table, byte[] rows, int rowCount) {}

  public SealedBatch {
    tables = List.copyOf(tables);
  }

  public int rowCount() {
    return tables.stream().mapToInt(TableRows::rowCount).sum();
  }
}
