package dev.chplane.provision;

/** Quoting for identifiers and string literals in the SQL chplane sends to ClickHouse. */
public final class Sql {
  private Sql() {}

  /** A backquoted identifier. */
  public static String name(String identifier) {
    return "`" + identifier.replace("\\", "\\\\").replace("`", "\\`") + "`";
  }

  /** A single-quoted string literal. */
  public static String literal(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
