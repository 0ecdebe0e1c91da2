package dev.chplane.provision;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Rewrites {@code CREATE TABLE} statements, as {@code system.tables.create_table_query} and {@code
 * SHOW CREATE TABLE} print them (18.16 and current releases, old and new MergeTree syntax), from a
 * plain MergeTree-family engine to its Replicated counterpart: {@code ReplacingMergeTree(ver)}
 * becomes {@code ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/db/t', '{replica}',
 * ver)}. Pure functions.
 *
 * <p>The ZooKeeper path names the database and table literally rather than with the {@code
 * {database}}/{@code {table}} macros: 18.16 keeps macros unexpanded in the table's metadata, so a
 * table renamed after its creation (as the conversion does) would look for its replica under a
 * different path at the next server start. The path is the one the macros would give for the
 * table's final name, relative to the service's own ZooKeeper root.
 */
public final class ReplicatedEngines {
  private ReplicatedEngines() {}

  /** The plain MergeTree-family engines chplane converts; each has a Replicated counterpart. */
  public static final Set<String> PLAIN_FAMILY =
      Set.of(
          "MergeTree",
          "ReplacingMergeTree",
          "SummingMergeTree",
          "AggregatingMergeTree",
          "CollapsingMergeTree",
          "VersionedCollapsingMergeTree",
          "GraphiteMergeTree");

  /** A database and table as a CREATE statement names them. */
  public record TableName(String database, String table) {}

  /** Whether {@code engine} (as {@code system.tables.engine} names it) is a plain family member. */
  public static boolean isPlainMergeTree(String engine) {
    return PLAIN_FAMILY.contains(engine);
  }

  /** Whether {@code engine} is a Replicated MergeTree-family engine. */
  public static boolean isReplicatedMergeTree(String engine) {
    return engine.startsWith("Replicated") && PLAIN_FAMILY.contains(engine.substring(10));
  }

  /** The ZooKeeper path of a replicated table, relative to the service's ZooKeeper root. */
  public static String zooKeeperPath(String database, String table) {
    return "/clickhouse/tables/{shard}/" + database + "/" + table;
  }

  /**
   * The statement with its plain MergeTree-family engine replaced by the Replicated counterpart, at
   * the path {@link #zooKeeperPath} gives for the table the statement creates; empty when the
   * statement creates no table of a plain family engine (already Replicated, Log, a view...).
   */
  public static Optional<String> toReplicated(String createQuery) {
    Optional<TableName> name = tableName(createQuery);
    if (name.isEmpty()) {
      return Optional.empty();
    }
    return toReplicated(createQuery, zooKeeperPath(name.get().database(), name.get().table()));
  }

  /** {@link #toReplicated(String)} with the given ZooKeeper path. */
  public static Optional<String> toReplicated(String createQuery, String zooKeeperPath) {
    if (tableName(createQuery).isEmpty()) {
      return Optional.empty();
    }
    Optional<Engine> engine = engine(createQuery);
    if (engine.isEmpty() || !isPlainMergeTree(engine.get().name())) {
      return Optional.empty();
    }
    Engine e = engine.get();
    String args = e.arguments() == null ? "" : e.arguments().strip();
    String replicated =
        "Replicated"
            + e.name()
            + "("
            + Sql.literal(zooKeeperPath)
            + ", '{replica}'"
            + (args.isEmpty() ? "" : ", " + args)
            + ")";
    return Optional.of(
        createQuery.substring(0, e.start()) + replicated + createQuery.substring(e.end()));
  }

  /** The statement unchanged, or made Replicated when it creates a plain MergeTree-family table. */
  public static String replicatedIfPlain(String createQuery) {
    return toReplicated(createQuery).orElse(createQuery);
  }

  /** The engine a CREATE TABLE or CREATE MATERIALIZED VIEW statement names, if any. */
  public static Optional<String> engineName(String createQuery) {
    return engine(createQuery).map(Engine::name);
  }

  /**
   * The database and table a {@code CREATE TABLE} (or {@code ATTACH TABLE}) statement creates;
   * empty for views and anything else, and when it names no database.
   */
  public static Optional<TableName> tableName(String createQuery) {
    return nameToken(createQuery).map(NameToken::name);
  }

  /**
   * The {@code CREATE TABLE} statement creating {@code database.table} instead (any {@code UUID}
   * clause removed, so that the copy gets its own).
   *
   * @throws IllegalArgumentException when the statement is no CREATE TABLE naming a database
   */
  public static String renamed(String createQuery, String database, String table) {
    NameToken token =
        nameToken(createQuery)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "not a CREATE TABLE statement naming its database: " + createQuery));
    String rest = createQuery.substring(token.end());
    Lexer after = new Lexer(rest, 0);
    after.skipSpace();
    if (after.keyword("UUID")) {
      after.skipSpace();
      after.token();
      rest = rest.substring(after.pos);
    }
    return createQuery.substring(0, token.start())
        + Sql.name(database)
        + "."
        + Sql.name(table)
        + rest;
  }

  /**
   * The {@code CREATE TABLE} statement run {@code ON CLUSTER cluster}, so that every replica of the
   * service creates the table.
   *
   * @throws IllegalArgumentException when the statement is no CREATE TABLE naming a database
   */
  public static String onCluster(String createQuery, String cluster) {
    NameToken token =
        nameToken(createQuery)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "not a CREATE TABLE statement naming its database: " + createQuery));
    return createQuery.substring(0, token.end())
        + " ON CLUSTER "
        + Sql.name(cluster)
        + createQuery.substring(token.end());
  }

  /** The engine clause: its name and the text inside its parentheses (null without them). */
  private record Engine(String name, String arguments, int start, int end) {}

  private record NameToken(TableName name, int start, int end) {}

  private static Optional<NameToken> nameToken(String sql) {
    Lexer l = new Lexer(sql, 0);
    l.skipSpace();
    if (!l.keyword("CREATE") && !l.keyword("ATTACH")) {
      return Optional.empty();
    }
    l.skipSpace();
    if (!l.keyword("TABLE")) {
      return Optional.empty();
    }
    l.skipSpace();
    if (l.keyword("IF")) {
      l.skipSpace();
      l.keyword("NOT");
      l.skipSpace();
      l.keyword("EXISTS");
      l.skipSpace();
    }
    int start = l.pos;
    String first = l.identifier();
    if (first == null || l.pos >= sql.length() || sql.charAt(l.pos) != '.') {
      return Optional.empty();
    }
    l.pos++;
    String second = l.identifier();
    if (second == null) {
      return Optional.empty();
    }
    return Optional.of(new NameToken(new TableName(first, second), start, l.pos));
  }

  private static Optional<Engine> engine(String sql) {
    // after the table's name, so that a table called "engine" is no engine clause
    Lexer l = new Lexer(sql, nameToken(sql).map(NameToken::end).orElse(0));
    int depth = 0;
    while (l.pos < sql.length()) {
      char c = sql.charAt(l.pos);
      if (c == '(') {
        depth++;
        l.pos++;
      } else if (c == ')') {
        depth--;
        l.pos++;
      } else if (c == '\'' || c == '`' || c == '"') {
        l.token();
      } else if (depth == 0 && Character.isLetter(c) && l.wordStartsHere()) {
        String word = l.word();
        if (word.equalsIgnoreCase("AS")) {
          // the SELECT of a view: its engines are no concern of the view's own
          return Optional.empty();
        }
        if (!word.equalsIgnoreCase("ENGINE")) {
          continue;
        }
        l.skipSpace();
        if (l.pos < sql.length() && sql.charAt(l.pos) == '=') {
          l.pos++;
          l.skipSpace();
        }
        int start = l.pos;
        String name = l.word();
        if (name.isEmpty()) {
          return Optional.empty();
        }
        int nameEnd = l.pos;
        l.skipSpace();
        if (l.pos < sql.length() && sql.charAt(l.pos) == '(') {
          int open = l.pos;
          int close = l.matching(open);
          if (close < 0) {
            return Optional.empty();
          }
          return Optional.of(new Engine(name, sql.substring(open + 1, close), start, close + 1));
        }
        return Optional.of(new Engine(name, null, start, nameEnd));
      } else {
        l.pos++;
      }
    }
    return Optional.empty();
  }

  /** Walks SQL text: words, quoted strings and identifiers, balanced parentheses. */
  private static final class Lexer {
    private final String s;
    private int pos;

    Lexer(String s, int pos) {
      this.s = s;
      this.pos = pos;
    }

    void skipSpace() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (Character.isWhitespace(c)) {
          pos++;
        } else if (s.startsWith("--", pos)) {
          int nl = s.indexOf('\n', pos);
          pos = nl < 0 ? s.length() : nl + 1;
        } else if (s.startsWith("/*", pos)) {
          int end = s.indexOf("*/", pos + 2);
          pos = end < 0 ? s.length() : end + 2;
        } else {
          return;
        }
      }
    }

    boolean wordStartsHere() {
      return pos == 0 || !isWordChar(s.charAt(pos - 1));
    }

    /** Consumes {@code kw} when the next word is it (any case). */
    boolean keyword(String kw) {
      int save = pos;
      String w = word();
      if (w.toUpperCase(Locale.ROOT).equals(kw)) {
        return true;
      }
      pos = save;
      return false;
    }

    String word() {
      int start = pos;
      while (pos < s.length() && isWordChar(s.charAt(pos))) {
        pos++;
      }
      return s.substring(start, pos);
    }

    /** A bare, backquoted or double-quoted identifier, unescaped; null when none is here. */
    String identifier() {
      if (pos >= s.length()) {
        return null;
      }
      char c = s.charAt(pos);
      if (c == '`' || c == '"') {
        return token();
      }
      String w = word();
      return w.isEmpty() ? null : w;
    }

    /** Consumes a quoted token starting here and returns its unescaped content. */
    String token() {
      char quote = s.charAt(pos);
      StringBuilder out = new StringBuilder();
      pos++;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '\\' && pos + 1 < s.length()) {
          out.append(s.charAt(pos + 1));
          pos += 2;
        } else if (c == quote) {
          if (pos + 1 < s.length() && s.charAt(pos + 1) == quote) {
            out.append(quote);
            pos += 2;
          } else {
            pos++;
            return out.toString();
          }
        } else {
          out.append(c);
          pos++;
        }
      }
      return out.toString();
    }

    /** The index of the parenthesis closing the one at {@code open}, or -1. */
    int matching(int open) {
      pos = open;
      int depth = 0;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '\'' || c == '`' || c == '"') {
          token();
          continue;
        }
        if (c == '(') {
          depth++;
        } else if (c == ')') {
          depth--;
          if (depth == 0) {
            return pos++;
          }
        }
        pos++;
      }
      return -1;
    }

    private static boolean isWordChar(char c) {
      return Character.isLetterOrDigit(c) || c == '_';
    }
  }
}
