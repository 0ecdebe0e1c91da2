package dev.chplane.pipes;

/**
 * The engine's inserts, given to {@link SourceTask#deliver} on the inserter's thread. Each call
 * retries with backoff until the pipe's failure window is spent, then throws {@link PipeFailure};
 * rows and errors are counted in the pipe's metrics.
 */
public interface Delivery {

  /**
   * The plain protocol: every table's rows of the batch, then its error rows; then {@link
   * #delivered}.
   */
  void insert(SealedBatch batch);

  /**
   * Inserts one table's rows into {@code into} (e.g. a staging table with the same columns); counts
   * them as sent.
   */
  void insertRows(SealedBatch.TableRows rows, TargetTable into);

  /** Inserts the batch's error rows into the pipe's error table. */
  void insertErrors(SealedBatch batch);

  /**
   * Runs a statement on the pipe's service (e.g. to attach or move a staged part), retried like
   * inserts.
   */
  String query(String sql);

  /**
   * Records that the batch's rows are in (its latency); the plain protocol does it in {@link
   * #insert}.
   */
  void delivered(SealedBatch batch);
}
