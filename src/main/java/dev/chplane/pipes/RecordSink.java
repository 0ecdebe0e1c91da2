package dev.chplane.pipes;

/**
 * Where a {@link SourceTask} puts what it read, during {@link SourceTask#poll}: into the batch its
 * worker is filling. Only valid on the worker's thread.
 */
public interface RecordSink {

  /**
   * Counts a record read from the source: {@code bytes} of it, and its timestamp (negative: none)
   * for latency.
   */
  void fetched(long bytes, long timestampMillis);

  /**
   * Adds a message as a row of the pipe's destination as it is, if it already is one in the
   * destination's form (a JSON object whose fields are the columns, with nothing to convert);
   * returns false otherwise, and the record must go through {@link #add}. A cheap fast path.
   */
  boolean addVerbatim(byte[] message);

  /**
   * Maps a record to a row of the pipe's destination by its field mappings, or to the error table.
   */
  void add(SourceRecord record);

  /**
   * Adds a row the source made itself (a JSONEachRow line with its newline) for a table of its own.
   */
  void addRow(TargetTable table, byte[] line);

  /** Sends a record the source could not read to the error table, with why. */
  void addError(SourceRecord record, String reason);
}
