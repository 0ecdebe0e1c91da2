package dev.chplane.pipes;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows collected for one insert, as JSONEachRow lines per target table (the pipe's destination
 * unless a source names another), and the rows that failed to map.
 */
final class Batch {
  private final TargetTable destination;
  private final ByteArrayOutputStream rows = new ByteArrayOutputStream(1 << 20);
  private int destinationRows;

  /** Rows for tables other than the destination, which only some sources write. */
  private final Map<TargetTable, Part> others = new LinkedHashMap<>();

  private final ByteArrayOutputStream errors = new ByteArrayOutputStream();
  private int rowCount;
  private long bytes;
  private int errorCount;
  private long startedNanos;

  /**
   * The earliest source timestamp among the batch's records; {@code Long.MAX_VALUE} when none had
   * one.
   */
  private long oldestTimestampMillis = Long.MAX_VALUE;

  private static final class Part {
    final ByteArrayOutputStream rows = new ByteArrayOutputStream();
    int count;
  }

  Batch(TargetTable destination) {
    this.destination = destination;
  }

  boolean isEmpty() {
    return rowCount == 0 && errorCount == 0;
  }

  int rowCount() {
    return rowCount;
  }

  /** The bytes of the rows held, in every table. */
  long bytes() {
    return bytes;
  }

  /** Starts the batch's age with its first row. */
  private void starting() {
    if (isEmpty()) {
      startedNanos = System.nanoTime();
    }
  }

  void addRow(byte[] line) {
    starting();
    rows.writeBytes(line);
    destinationRows++;
    rowCount++;
    bytes += line.length;
  }

  /** Adds a row (a JSONEachRow line with its newline) for {@code table}. */
  void addRow(TargetTable table, byte[] line) {
    if (table.equals(destination)) {
      addRow(line);
      return;
    }
    starting();
    Part part = others.computeIfAbsent(table, t -> new Part());
    part.rows.writeBytes(line);
    part.count++;
    rowCount++;
    bytes += line.length;
  }

  /** Adds a message that already is a JSONEachRow line, without its newline. */
  void addVerbatimRow(byte[] message) {
    starting();
    rows.writeBytes(message);
    rows.write('\n');
    destinationRows++;
    rowCount++;
    bytes += message.length + 1;
  }

  void addError(byte[] line) {
    starting();
    errors.writeBytes(line);
    errorCount++;
  }

  void noteTimestamp(long timestampMillis) {
    if (timestampMillis >= 0) {
      oldestTimestampMillis = Math.min(oldestTimestampMillis, timestampMillis);
    }
  }

  long ageMillis() {
    return isEmpty() ? 0 : (System.nanoTime() - startedNanos) / 1_000_000;
  }

  /** What the batch holds, which it then forgets. */
  SealedBatch seal() {
    List<SealedBatch.TableRows> tables = new ArrayList<>();
    if (destinationRows > 0) {
      tables.add(new SealedBatch.TableRows(destination, rows.toByteArray(), destinationRows));
    }
    others.forEach(
        (t, p) -> tables.add(new SealedBatch.TableRows(t, p.rows.toByteArray(), p.count)));
    SealedBatch sealed =
        new SealedBatch(tables, errors.toByteArray(), errorCount, oldestTimestampMillis);
    clear();
    return sealed;
  }

  void clear() {
    rows.reset();
    others.clear();
    errors.reset();
    destinationRows = 0;
    rowCount = 0;
    bytes = 0;
    errorCount = 0;
    oldestTimestampMillis = Long.MAX_VALUE;
  }
}
