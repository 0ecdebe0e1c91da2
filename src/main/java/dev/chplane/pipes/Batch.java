package dev.chplane.pipes;

import java.io.ByteArrayOutputStream;

/** Rows collected for one insert, as JSONEachRow lines, and the rows that failed to map. */
final class Batch {
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

  void addRow(byte[] line) {
    if (isEmpty()) {
      startedNanos = System.nanoTime();
    }
    rows.writeBytes(line);
    rowCount++;
  }

  void addError(byte[] line) {
    if (isEmpty()) {
      startedNanos = System.nanoTime();
    }
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

  void clear() {
    rows.reset();
    errors.reset();
    rowCount = 0;
    errorCount = 0;
    oldestTimestampMillis = Long.MAX_VALUE;
  }
}
