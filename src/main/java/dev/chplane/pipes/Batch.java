package dev.chplane.pipes;

import java.io.ByteArrayOutputStream;

/** Rows collected for one insert, as JSONEachRow lines, and the rows that failed to map. */
final class Batch {
  /** A batch handed over for insertion. */
  record Sealed(byte[] rows, int rowCount, byte[] errors, int errorCount, long oldestTimestampMillis) {}

  final ByteArrayOutputStream rows = new ByteArrayOutputStream(1 << 20);
  final ByteArrayOutputStream errors = new ByteArrayOutputStream();
  int rowCount;
  int errorCount;
  long startedNanos;
  /** The earliest Kafka timestamp among the batch's messages; {@code Long.MAX_VALUE} when none had one. */
  long oldestTimestampMillis = Long.MAX_VALUE;

  boolean isEmpty() {
    return rowCount == 0 && errorCount == 0;
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
    rowCount++;
  }

  /** Adds a message that already is a JSONEachRow line, without its newline. */
  void addVerbatimRow(byte[] message) {
    starting();
    rows.writeBytes(message);
    rows.write('\n');
    rowCount++;
  }

  void addError(byte[] line) {
    starting();
    errors.writeBytes(line);
    errorCount++;
  }

  void noteTimestamp(long kafkaTimestampMillis) {
    if (kafkaTimestampMillis >= 0) {
      oldestTimestampMillis = Math.min(oldestTimestampMillis, kafkaTimestampMillis);
    }
  }

  long ageMillis() {
    return isEmpty() ? 0 : (System.nanoTime() - startedNanos) / 1_000_000;
  }

  /** What the batch holds, which it then forgets. */
  Sealed seal() {
    Sealed sealed = new Sealed(rows.toByteArray(), rowCount, errors.toByteArray(), errorCount, oldestTimestampMillis);
    clear();
    return sealed;
  }

  void clear() {
    rows.reset();
    errors.reset();
    rowCount = 0;
    errorCount = 0;
    oldestTimestampMillis = Long.MAX_VALUE;
  }
}
