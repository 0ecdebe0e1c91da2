package dev.chplane.pipes;

import dev.chplane.domain.PipeSpec;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.Sql;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Reads a {@link Shelf} one file per poll and delivers each batch exactly once, with its position
 * (the last file it holds) in chplane's store. The protocol, which works on every server version
 * here (18.16 has no MOVE PARTITION):
 *
 * <ol>
 *   <li>empty the staging table (a copy of the destination's structure), insert the batch's rows
 *       into it, and copy into it the destination's current rows of every partition it now has;
 *   <li>in one store transaction: the position (the batch's last file) and {@code stage=pending};
 *   <li>replace each of those partitions of the destination by the staging table's (idempotent:
 *       doing it again puts the same rows);
 *   <li>in one store transaction: {@code stage} removed.
 * </ol>
 *
 * On open, a pending stage is replaced again (step 3, 4); otherwise the staging table is emptied
 * and reading resumes after the recorded file. Assumes the pipe is its destination's only writer.
 */
final class StagedShelfTask implements SourceTask<String> {
  static final String FILE = "file";
  static final String STAGE = "stage";

  private final Shelf shelf;
  private final CrashPlan crash;
  private final PipePositions positions;
  private final PipeServer server;
  private final String destination;
  private final String staging;
  private final String stagingName;
  private final String database;
  private volatile boolean stopping;
  private String lastRead;
  private String untaken;

  StagedShelfTask(SourceContext context, Shelf shelf, CrashPlan crash) {
    this.shelf = shelf;
    this.crash = crash;
    this.positions = context.positions();
    this.server = context.server();
    PipeSpec.Destination d = context.pipe().spec().destination();
    this.database = d.database();
    this.stagingName = d.table() + "_staging";
    this.destination = Sql.name(d.database()) + "." + Sql.name(d.table());
    this.staging = Sql.name(d.database()) + "." + Sql.name(stagingName);
  }

  @Override
  public void open(Control control) {
    sql("CREATE TABLE IF NOT EXISTS " + staging + " AS " + destination);
    Map<String, String> stored = positions.read();
    if (stored.containsKey(STAGE)) {
      replace(this::sql);
      positions.write(removing(STAGE));
    } else {
      sql("TRUNCATE TABLE " + staging);
    }
    lastRead = stored.get(FILE);
  }

  @Override
  public void poll(Duration timeout, RecordSink sink) {
    shelf
        .next(lastRead, stopping ? Duration.ZERO : timeout)
        .ifPresent(
            file -> {
              List<String> lines = file.getValue();
              for (int i = 0; i < lines.size(); i++) {
                byte[] line = Shelf.bytes(lines.get(i));
                sink.fetched(line.length, -1);
                sink.add(
                    new SourceRecord(file.getKey(), 0, i, -1, null, List.of(), List.of(), line));
              }
              lastRead = file.getKey();
              untaken = file.getKey();
            });
  }

  @Override
  public String take() {
    String out = untaken;
    untaken = null;
    return out;
  }

  @Override
  public void deliver(SealedBatch batch, String lastFile, Delivery delivery) {
    crash.delivering();
    delivery.query("TRUNCATE TABLE " + staging);
    for (SealedBatch.TableRows rows : batch.tables()) {
      delivery.insertRows(rows, rows.table().named(stagingName));
    }
    for (String partition : stagedPartitions(delivery::query)) {
      delivery.query(
          "ALTER TABLE "
              + staging
              + " ATTACH PARTITION ID "
              + Sql.literal(partition)
              + " FROM "
              + destination);
    }
    crash.after(CrashPlan.Step.STAGED);
    Map<String, String> recorded = new HashMap<>();
    recorded.put(FILE, lastFile);
    recorded.put(STAGE, "pending");
    positions.write(recorded);
    crash.after(CrashPlan.Step.RECORDED);
    replace(delivery::query);
    crash.after(CrashPlan.Step.REPLACED);
    positions.write(removing(STAGE));
    delivery.insertErrors(batch);
    delivery.delivered(batch);
  }

  /** Step 3: every staged partition replaces the destination's. */
  private void replace(java.util.function.Function<String, String> query) {
    List<String> partitions = stagedPartitions(query);
    for (int i = 0; i < partitions.size(); i++) {
      query.apply(
          "ALTER TABLE "
              + destination
              + " REPLACE PARTITION ID "
              + Sql.literal(partitions.get(i))
              + " FROM "
              + staging);
      if (i == 0 && partitions.size() > 1) {
        crash.after(CrashPlan.Step.HALF_REPLACED);
      }
    }
  }

  private List<String> stagedPartitions(java.util.function.Function<String, String> query) {
    String out =
        query.apply(
            "SELECT DISTINCT partition_id FROM system.parts WHERE database = "
                + Sql.literal(database)
                + " AND table = "
                + Sql.literal(stagingName)
                + " AND active ORDER BY partition_id FORMAT TabSeparated");
    return Arrays.stream(out.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static Map<String, String> removing(String key) {
    Map<String, String> out = new HashMap<>();
    out.put(key, null);
    return out;
  }

  /** The positions were recorded in {@link #deliver}, with the stage: nothing is left to commit. */
  @Override
  public void commit(String lastFile) {}

  @Override
  public boolean active() {
    return true;
  }

  @Override
  public String inactiveReason(Duration window) {
    return "never inactive";
  }

  @Override
  public OptionalLong lag() {
    return OptionalLong.of(shelf.linesAfter(lastRead));
  }

  @Override
  public void wakeup() {
    stopping = true;
    shelf.wake();
  }

  @Override
  public void close() {}

  private String sql(String statement) {
    try {
      return server.query(statement);
    } catch (ProvisionException e) {
      throw new IllegalStateException(statement + ": " + e.getMessage(), e);
    }
  }
}
