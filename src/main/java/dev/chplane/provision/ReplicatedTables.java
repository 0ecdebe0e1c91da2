package dev.chplane.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a service's tables are, as far as replication goes, read with SQL through a {@link
 * ServiceAccess}: whether its servers are set up to replicate, the statement chplane creates a
 * table with, and the MergeTree-family tables that are not replicated.
 */
public final class ReplicatedTables {
  // system.zookeeper exists only on a server with a zookeeper section
  private static final String CONFIGURED =
      "SELECT (SELECT count() FROM system.macros WHERE macro IN ('shard', 'replica')) = 2"
          + " AND (SELECT count() FROM system.tables WHERE database = 'system'"
          + " AND name = 'zookeeper') = 1";

  /** The cluster of a service's replicas that the provisioner configures on each server. */
  public static final String CLUSTER = "default";

  private final ObjectMapper json = new ObjectMapper();

  /** A table of the service and how many rows its active parts hold (0 for other engines). */
  public record Table(String database, String name, String engine, long rows) {
    /** {@code database.name}, quoted for SQL. */
    public String sqlName() {
      return Sql.name(database) + "." + Sql.name(name);
    }

    /** {@code database.name} as people read it. */
    public String displayName() {
      return database + "." + name;
    }
  }

  /**
   * Whether the server has the {@code shard} and {@code replica} macros and a ZooKeeper section:
   * only then can it create Replicated tables.
   */
  public boolean configured(Query server) throws ProvisionException {
    return server.run(CONFIGURED).strip().equals("1");
  }

  /** Runs one SQL statement on a server and returns its answer (e.g. {@code access::query}). */
  @FunctionalInterface
  public interface Query {
    String run(String sql) throws ProvisionException;
  }

  /**
   * The statement chplane creates a table with on a service: when its servers can replicate, {@code
   * createQuery} made Replicated ({@link ReplicatedEngines#toReplicated(String)}) if it creates a
   * plain MergeTree-family table, whatever the replica count (so that a later scale-up needs no
   * conversion), and run {@code ON CLUSTER default} so that every replica has the table; otherwise
   * unchanged.
   */
  public String createStatement(Query server, String createQuery) throws ProvisionException {
    if (!configured(server)) {
      return createQuery;
    }
    return ReplicatedEngines.onCluster(ReplicatedEngines.replicatedIfPlain(createQuery), CLUSTER);
  }

  /** Every table outside the system databases, with the rows of its active parts. */
  public List<Table> tables(ServiceAccess server) throws ProvisionException {
    Map<String, Long> rows = new LinkedHashMap<>();
    for (JsonNode r :
        rows(
            server,
            "SELECT database, table, toString(sum(rows)) AS rows FROM system.parts WHERE active"
                + " GROUP BY database, table")) {
      rows.put(key(r.get("database").asText(), r.get("table").asText()), r.get("rows").asLong());
    }
    List<Table> out = new ArrayList<>();
    for (JsonNode r :
        rows(
            server,
            "SELECT database, name, engine FROM system.tables WHERE database NOT IN ('system',"
                + " 'INFORMATION_SCHEMA', 'information_schema') AND NOT is_temporary"
                + " ORDER BY database, name")) {
      String db = r.get("database").asText();
      String name = r.get("name").asText();
      out.add(new Table(db, name, r.get("engine").asText(), rows.getOrDefault(key(db, name), 0L)));
    }
    return out;
  }

  /**
   * The plain (not replicated) MergeTree-family tables that hold rows: on a service with more than
   * one replica they exist on one replica only, so a load-balanced connection may not see them.
   */
  public List<Table> nonReplicatedWithRows(ServiceAccess server) throws ProvisionException {
    return tables(server).stream()
        .filter(t -> ReplicatedEngines.isPlainMergeTree(t.engine()) && t.rows() > 0)
        .toList();
  }

  /** The answer of a SELECT as JSON rows. */
  List<JsonNode> rows(ServiceAccess server, String select) throws ProvisionException {
    String body = server.query(select + " FORMAT JSONEachRow");
    List<JsonNode> out = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (!line.isBlank()) {
        try {
          out.add(json.readTree(line));
        } catch (java.io.IOException e) {
          throw new ProvisionException("unreadable answer to " + select + ": " + line, e);
        }
      }
    }
    return out;
  }

  private static String key(String database, String table) {
    return database + "\u0000" + table;
  }
}
