package dev.chplane.provision.local;

import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.ServiceAccess;
import dev.chplane.provision.Sql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a replica holds compared with its service's others: the databases and replicated tables a
 * replica lacks (created from another replica's definitions, then waited for until their rows have
 * arrived), the ZooKeeper paths of the service's replicated tables, and, on disk, the
 * non-replicated tables with data that removing a replica must not lose.
 */
final class ReplicaSchema {
  private static final Logger log = LoggerFactory.getLogger(ReplicaSchema.class);
  private static final String USER_DATABASES =
      "database NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema')";
  private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Pattern ENGINE = Pattern.compile("ENGINE = (\\w+)");
  private static final Pattern TABLE_UUID = Pattern.compile("UUID '([0-9a-f-]{36})'");

  private ReplicaSchema() {}

  /** A table of a server: its database, name, engine and the statement that creates it. */
  record Table(String database, String name, String engine, String createQuery) {
    boolean replicated() {
      return engine.startsWith("Replicated");
    }

    String qualified() {
      return Sql.name(database) + "." + Sql.name(name);
    }
  }

  /** The number of replicated tables of a server. */
  static int replicatedTables(ServiceAccess server) throws ProvisionException {
    return (int) tables(server).values().stream().filter(Table::replicated).count();
  }

  /**
   * Creates on {@code target} the databases and replicated tables of {@code source} it lacks, and
   * waits until {@code target} has fetched their rows (its replication queue for them is empty and
   * it holds at least the rows {@code source} held when they were created). Other tables are not
   * copied: a non-replicated table would be empty there. Returns the tables created.
   *
   * @throws ProvisionException when a table cannot be created or has not caught up by {@code
   *     deadlineNanos} ({@link System#nanoTime()})
   */
  static List<String> copy(
      String replicaLabel, ServiceAccess source, ServiceAccess target, long deadlineNanos)
      throws ProvisionException {
    Map<String, Table> have = tables(target);
    Set<String> databases = new HashSet<>(lines(target.query(databasesQuery(), QUERY_TIMEOUT)));
    Map<Table, Long> created = new LinkedHashMap<>();
    for (Table t : tables(source).values()) {
      if (have.containsKey(t.qualified())) {
        continue;
      }
      if (!t.replicated()) {
        log.info(
            "{}: does not get table {}.{}: its engine {} is not replicated (it holds its data on"
                + " one replica only)",
            replicaLabel,
            t.database(),
            t.name(),
            t.engine());
        continue;
      }
      if (databases.add(t.database())) {
        target.query("CREATE DATABASE IF NOT EXISTS " + Sql.name(t.database()), QUERY_TIMEOUT);
      }
      long rows = count(source, t);
      target.query(t.createQuery(), QUERY_TIMEOUT);
      log.info(
          "{}: created replicated table {}.{}; fetching {} rows",
          replicaLabel,
          t.database(),
          t.name(),
          rows);
      created.put(t, rows);
    }
    // databases without tables too, so that the replicas list the same ones
    for (String db : lines(source.query(databasesQuery(), QUERY_TIMEOUT))) {
      if (databases.add(db)) {
        target.query("CREATE DATABASE IF NOT EXISTS " + Sql.name(db), QUERY_TIMEOUT);
      }
    }
    for (Map.Entry<Table, Long> e : created.entrySet()) {
      awaitCaughtUp(replicaLabel, target, e.getKey(), e.getValue(), deadlineNanos);
    }
    return created.keySet().stream().map(t -> t.database() + "." + t.name()).toList();
  }

  private static void awaitCaughtUp(
      String replicaLabel, ServiceAccess target, Table t, long rows, long deadlineNanos)
      throws ProvisionException {
    String queue =
        "SELECT queue_size FROM system.replicas WHERE database = "
            + Sql.literal(t.database())
            + " AND table = "
            + Sql.literal(t.name());
    String last = "";
    while (true) {
      String size = target.query(queue, QUERY_TIMEOUT).strip();
      long have = count(target, t);
      if (size.equals("0") && have >= rows) {
        return;
      }
      last = "queue size " + size + ", " + have + " of " + rows + " rows";
      if (System.nanoTime() > deadlineNanos) {
        throw new ProvisionException(
            replicaLabel
                + " has not caught up with "
                + t.database()
                + "."
                + t.name()
                + ": "
                + last);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProvisionException("interrupted while " + replicaLabel + " catches up");
      }
    }
  }

  /** The ZooKeeper paths (relative to the service's root) of a server's replicated tables. */
  static List<String> zookeeperPaths(ServiceAccess server) throws ProvisionException {
    return lines(
        server.query("SELECT DISTINCT zookeeper_path FROM system.replicas", QUERY_TIMEOUT));
  }

  private static long count(ServiceAccess server, Table t) throws ProvisionException {
    return Long.parseLong(
        server.query("SELECT count() FROM " + t.qualified(), QUERY_TIMEOUT).strip());
  }

  private static String databasesQuery() {
    return "SELECT name FROM system.databases WHERE " + USER_DATABASES.replace("database", "name");
  }

  /** A server's tables (temporary ones aside), by qualified name. */
  private static Map<String, Table> tables(ServiceAccess server) throws ProvisionException {
    Map<String, Table> out = new LinkedHashMap<>();
    for (String line :
        lines(
            server.query(
                "SELECT database, name, engine, create_table_query FROM system.tables WHERE "
                    + USER_DATABASES
                    + " AND is_temporary = 0 ORDER BY database, name",
                QUERY_TIMEOUT))) {
      String[] f = line.split("\t", -1);
      Table t = new Table(unescape(f[0]), unescape(f[1]), unescape(f[2]), unescape(f[3]));
      out.put(t.qualified(), t);
    }
    return out;
  }

  private static List<String> lines(String tsv) {
    List<String> out = new ArrayList<>();
    for (String line : tsv.split("\n")) {
      if (!line.isEmpty()) {
        out.add(line);
      }
    }
    return out;
  }

  /** A TabSeparated field as text. */
  static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c != '\\' || i + 1 == field.length()) {
        out.append(c);
        continue;
      }
      char next = field.charAt(++i);
      switch (next) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case '0' -> out.append('\0');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        default -> out.append(next);
      }
    }
    return out.toString();
  }

  /**
   * The tables of a stopped replica's files whose engine is a non-replicated MergeTree and that
   * hold parts (attached or detached): their data exists on that replica only.
   */
  static List<String> unreplicatedTablesWithData(Path replicaDir) {
    Path metadata = replicaDir.resolve("data/metadata");
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(metadata)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(metadata, 2)) {
      for (Path sql : files.filter(p -> p.toString().endsWith(".sql")).toList()) {
        if (metadata.relativize(sql).getNameCount() != 2) {
          continue;
        }
        String ddl = Files.readString(sql, StandardCharsets.UTF_8);
        Matcher engine = ENGINE.matcher(ddl);
        if (!engine.find()
            || !engine.group(1).endsWith("MergeTree")
            || engine.group(1).startsWith("Replicated")) {
          continue;
        }
        String db = sql.getParent().getFileName().toString();
        String table = sql.getFileName().toString().replaceFirst("\\.sql$", "");
        Matcher uuid = TABLE_UUID.matcher(ddl);
        Path data =
            uuid.find()
                ? replicaDir.resolve(
                    "data/store/" + uuid.group(1).substring(0, 3) + "/" + uuid.group(1))
                : replicaDir.resolve("data/data").resolve(db).resolve(table);
        if (holdsParts(data)) {
          out.add(db + "." + table);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static boolean holdsParts(Path tableDir) throws IOException {
    if (!Files.isDirectory(tableDir)) {
      return false;
    }
    try (Stream<Path> entries = Files.walk(tableDir, 2)) {
      return entries
          .filter(Files::isDirectory)
          .map(tableDir::relativize)
          .anyMatch(
              p ->
                  (p.getNameCount() == 1
                          && !p.toString().equals("detached")
                          && !p.toString().isEmpty())
                      || (p.getNameCount() == 2 && p.getName(0).toString().equals("detached")));
    }
  }
}
