package dev.chplane.provision;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts a one-replica service's plain MergeTree-family tables to their Replicated counterparts
 * before it scales up, with SQL only, and says which tables cannot be converted. For a table {@code
 * t}:
 *
 * <ol>
 *   <li>create {@code t__chplane_replicated} from {@code t}'s definition with the Replicated engine
 *       at the ZooKeeper path of {@code t} (named literally: 18.16 keeps macros unexpanded, so
 *       {@code {table}} would follow the rename);
 *   <li>{@code ALTER TABLE t__chplane_replicated ATTACH PARTITION ID 'p' FROM t} for each partition
 *       (hard links, no copy; a partition whose row count already matches is skipped);
 *   <li>check that both tables count the same rows ({@code FINAL} for engines whose merges change
 *       the row count);
 *   <li>{@code RENAME TABLE t TO t__chplane_plain, t__chplane_replicated TO t};
 *   <li>drop {@code t__chplane_plain} only when it still counts the rows checked; otherwise it is
 *       kept and logged (rows written between the check and the rename are in it).
 * </ol>
 *
 * Every step can be repeated: after a crash at any point, {@link #convertAll} finds the leftover
 * tables by their suffixes and finishes. Runs against the single replica, before others start.
 */
public final class TableConversion {
  private static final Logger log = LoggerFactory.getLogger(TableConversion.class);

  /** The suffix of the Replicated copy while it is being filled. */
  public static final String CONVERTING_SUFFIX = "__chplane_replicated";

  /** The suffix of the original table after the rename, until it is dropped. */
  public static final String ORIGINAL_SUFFIX = "__chplane_plain";

  /**
   * Engines whose tables hold no data of their own, or are safe on several replicas as they are.
   */
  private static final Set<String> HARMLESS =
      Set.of(
          "View",
          "Null",
          "Distributed",
          "Merge",
          "Dictionary",
          "Kafka",
          "URL",
          "MySQL",
          "ODBC",
          "JDBC",
          "MaterializedView");

  /** Engines whose data live on one server only and cannot be converted: refused when not empty. */
  private static final Set<String> LOCAL_WITH_ROWS =
      Set.of("Log", "TinyLog", "StripeLog", "Memory");

  private final ReplicatedTables tables = new ReplicatedTables();

  /** A table that blocks a scale-up, and why. */
  public record Blocker(String database, String table, String engine, String reason) {
    /** {@code db.table (engine): reason}. */
    @Override
    public String toString() {
      return database + "." + table + " (" + engine + "): " + reason;
    }
  }

  /** What {@link #convertAll} did. */
  public record Result(List<String> converted, List<String> keptOriginals) {}

  /**
   * The tables that keep the service from running several replicas: Log-family and Memory tables
   * with rows, Set and Join tables (which cannot be read to tell whether they are empty),
   * materialized views whose inner table is not replicated, and engines chplane does not know to be
   * safe. Empty when the service can scale up after {@link #convertAll}.
   */
  public List<Blocker> blockers(ServiceAccess server) throws ProvisionException {
    List<ReplicatedTables.Table> all = tables.tables(server);
    Map<String, String> engines = new HashMap<>();
    for (ReplicatedTables.Table t : all) {
      engines.put(t.database() + "." + t.name(), t.engine());
    }
    List<Blocker> out = new ArrayList<>();
    for (ReplicatedTables.Table t : all) {
      String engine = t.engine();
      if (isLeftover(t.name())
          || ReplicatedEngines.isReplicatedMergeTree(engine)
          || t.name().startsWith(".inner")) {
        continue;
      }
      if (engine.equals("MaterializedView")) {
        String inner = engines.get(t.database() + "..inner." + t.name());
        if (inner != null && !ReplicatedEngines.isReplicatedMergeTree(inner)) {
          out.add(
              new Blocker(
                  t.database(),
                  t.name(),
                  engine,
                  "its inner table is "
                      + inner
                      + "; recreate the view with TO a Replicated table"));
        }
      } else if (ReplicatedEngines.isPlainMergeTree(engine) || HARMLESS.contains(engine)) {
        continue;
      } else if (LOCAL_WITH_ROWS.contains(engine)) {
        long rows = count(server, t.sqlName(), false);
        if (rows > 0) {
          out.add(
              new Blocker(
                  t.database(),
                  t.name(),
                  engine,
                  "holds "
                      + rows
                      + " rows on one server only; move them to a MergeTree-family table or drop"
                      + " it"));
        }
      } else if (engine.equals("Set") || engine.equals("Join")) {
        out.add(
            new Blocker(
                t.database(),
                t.name(),
                engine,
                "keeps its data on one server only and cannot be read to check that it is empty;"
                    + " drop it"));
      } else {
        out.add(
            new Blocker(
                t.database(),
                t.name(),
                engine,
                "chplane does not know how to run this engine on several replicas"));
      }
    }
    return out;
  }

  /**
   * What runs on the one replica of a service before its other replicas start: refuses when a table
   * cannot be converted ({@link #blockers}), else {@link #convertAll}.
   *
   * @throws ProvisionException naming the tables that cannot be converted, or when a step fails
   */
  public Result prepareScaleUp(ServiceAccess server) throws ProvisionException {
    List<Blocker> blockers = blockers(server);
    if (!blockers.isEmpty()) {
      throw new ProvisionException(
          "cannot run more than one replica while these tables cannot be replicated: "
              + String.join("; ", blockers.stream().map(Blocker::toString).toList()));
    }
    return convertAll(server);
  }

  /**
   * Converts every plain MergeTree-family table of the service, and finishes conversions that an
   * earlier, interrupted run left. Does not look at {@link #blockers}: callers check them first.
   */
  public Result convertAll(ServiceAccess server) throws ProvisionException {
    Set<String> bases = new LinkedHashSet<>();
    for (ReplicatedTables.Table t : tables.tables(server)) {
      if (t.name().startsWith(".inner")) {
        continue;
      }
      Optional<String> base = base(t.name());
      if (base.isPresent()) {
        bases.add(t.database() + "\u0000" + base.get());
      } else if (ReplicatedEngines.isPlainMergeTree(t.engine())) {
        bases.add(t.database() + "\u0000" + t.name());
      }
    }
    List<String> converted = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (String key : bases) {
      String[] parts = key.split("\u0000", 2);
      converted.add(parts[0] + "." + parts[1]);
      if (!convert(server, parts[0], parts[1])) {
        kept.add(parts[0] + "." + parts[1] + ORIGINAL_SUFFIX);
      }
    }
    return new Result(converted, kept);
  }

  /**
   * Converts (or finishes converting) {@code database.table}; returns false when the original was
   * kept because it holds rows the converted table may lack.
   */
  boolean convert(ServiceAccess server, String database, String table) throws ProvisionException {
    String converting = table + CONVERTING_SUFFIX;
    String original = table + ORIGINAL_SUFFIX;
    Map<String, JsonNode> found = find(server, database, Set.of(table, converting, original));
    JsonNode current = found.get(table);
    long checked = -1;
    if (current == null && found.containsKey(original) && !found.containsKey(converting)) {
      // a crash while renaming back: nothing was lost, start over
      rename(server, database, original, table);
      return convert(server, database, table);
    }
    if (current != null && ReplicatedEngines.isPlainMergeTree(current.get("engine").asText())) {
      if (!found.containsKey(converting)) {
        String create =
            ReplicatedEngines.toReplicated(
                    ReplicatedEngines.renamed(
                        current.get("create_table_query").asText(), database, converting),
                    ReplicatedEngines.zooKeeperPath(database, table))
                .orElseThrow(
                    () ->
                        new ProvisionException(
                            "cannot make a Replicated definition of "
                                + database
                                + "."
                                + table
                                + ": "
                                + current.get("create_table_query").asText()));
        server.query(create);
        log.info(
            "converting {}.{} to {}: created {}", database, table, engineOf(create), converting);
      }
      boolean usesFinal = !current.get("engine").asText().equals("MergeTree");
      checked = copyAndCheck(server, database, table, converting, usesFinal);
      server.query(
          "RENAME TABLE "
              + name(database, table)
              + " TO "
              + name(database, original)
              + ", "
              + name(database, converting)
              + " TO "
              + name(database, table));
      found = find(server, database, Set.of(table, converting, original));
    } else if (current == null && found.containsKey(converting)) {
      // a crash between the two renames
      rename(server, database, converting, table);
      found = find(server, database, Set.of(table, converting, original));
    }
    if (!found.containsKey(original)) {
      return true;
    }
    JsonNode orig = found.get(original);
    boolean usesFinal = !orig.get("engine").asText().equals("MergeTree");
    long originalRows = count(server, name(database, original), usesFinal);
    long expected = checked >= 0 ? checked : count(server, name(database, table), usesFinal);
    if (originalRows == expected) {
      server.query("DROP TABLE " + name(database, original));
      log.info("converted {}.{} to a Replicated table ({} rows)", database, table, originalRows);
      return true;
    }
    log.warn(
        "converted {}.{} to a Replicated table, but the original, kept as {}, counts {} rows"
            + " against {}: rows written during the conversion may be only there",
        database,
        table,
        original,
        originalRows,
        expected);
    return false;
  }

  /**
   * Attaches every partition of {@code from} whose row count {@code to} lacks, and returns the row
   * count once both agree.
   */
  private long copyAndCheck(
      ServiceAccess server, String database, String from, String to, boolean usesFinal)
      throws ProvisionException {
    for (int attempt = 1; ; attempt++) {
      Map<String, Long> source = partitions(server, database, from);
      Map<String, Long> target = partitions(server, database, to);
      for (Map.Entry<String, Long> p : source.entrySet()) {
        Long there = target.get(p.getKey());
        if (p.getValue().equals(there)) {
          continue;
        }
        if (there != null) {
          server.query(
              "ALTER TABLE "
                  + name(database, to)
                  + " DROP PARTITION ID "
                  + Sql.literal(p.getKey()));
        }
        server.query(
            "ALTER TABLE "
                + name(database, to)
                + " ATTACH PARTITION ID "
                + Sql.literal(p.getKey())
                + " FROM "
                + name(database, from));
      }
      for (String gone : target.keySet()) {
        if (!source.containsKey(gone)) {
          server.query(
              "ALTER TABLE " + name(database, to) + " DROP PARTITION ID " + Sql.literal(gone));
        }
      }
      long a = count(server, name(database, from), usesFinal);
      long b = count(server, name(database, to), usesFinal);
      if (a == b) {
        return a;
      }
      if (attempt == 3) {
        throw new ProvisionException(
            "converting "
                + database
                + "."
                + from
                + ": it counts "
                + a
                + " rows and its Replicated copy "
                + b
                + " after "
                + attempt
                + " attempts; rows are being written or removed meanwhile");
      }
    }
  }

  /** Rows per partition id, from the active parts. */
  private Map<String, Long> partitions(ServiceAccess server, String database, String table)
      throws ProvisionException {
    Map<String, Long> out = new LinkedHashMap<>();
    for (JsonNode r :
        tables.rows(
            server,
            "SELECT partition_id, toString(sum(rows)) AS rows FROM system.parts WHERE active AND"
                + " database = "
                + Sql.literal(database)
                + " AND table = "
                + Sql.literal(table)
                + " GROUP BY partition_id ORDER BY partition_id")) {
      out.put(r.get("partition_id").asText(), r.get("rows").asLong());
    }
    return out;
  }

  private Map<String, JsonNode> find(ServiceAccess server, String database, Set<String> names)
      throws ProvisionException {
    StringBuilder in = new StringBuilder();
    for (String n : names) {
      in.append(in.length() == 0 ? "" : ", ").append(Sql.literal(n));
    }
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode r :
        tables.rows(
            server,
            "SELECT name, engine, create_table_query FROM system.tables WHERE database = "
                + Sql.literal(database)
                + " AND name IN ("
                + in
                + ")")) {
      out.put(r.get("name").asText(), r);
    }
    return out;
  }

  private static long count(ServiceAccess server, String sqlName, boolean usesFinal)
      throws ProvisionException {
    String answer =
        server.query("SELECT count() FROM " + sqlName + (usesFinal ? " FINAL" : "")).strip();
    try {
      return Long.parseLong(answer);
    } catch (NumberFormatException e) {
      throw new ProvisionException("unexpected answer to a count of " + sqlName + ": " + answer);
    }
  }

  private static void rename(ServiceAccess server, String database, String from, String to)
      throws ProvisionException {
    server.query("RENAME TABLE " + name(database, from) + " TO " + name(database, to));
  }

  private static String name(String database, String table) {
    return Sql.name(database) + "." + Sql.name(table);
  }

  private static String engineOf(String create) {
    return ReplicatedEngines.engineName(create).orElse("?");
  }

  /** Whether a table is one a conversion leaves behind while it runs. */
  static boolean isLeftover(String table) {
    return base(table).isPresent();
  }

  private static Optional<String> base(String table) {
    for (String suffix : List.of(CONVERTING_SUFFIX, ORIGINAL_SUFFIX)) {
      if (table.endsWith(suffix) && table.length() > suffix.length()) {
        return Optional.of(table.substring(0, table.length() - suffix.length()));
      }
    }
    return Optional.empty();
  }
}
