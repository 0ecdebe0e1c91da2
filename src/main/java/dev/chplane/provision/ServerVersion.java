package dev.chplane.provision;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ClickHouse server version and the features chplane gates on it. Only 18.16 is tested here; the
 * gates for newer releases follow their changelogs.
 */
public record ServerVersion(int major, int minor, String text) {
  private static final Pattern NUMBERS = Pattern.compile("(\\d+)\\.(\\d+)(\\.\\d+)*");

  public static ServerVersion parse(String text) {
    Matcher m = NUMBERS.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException("no version number in '" + text + "'");
    }
    String full = m.group().replaceAll("\\.$", "");
    return new ServerVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), full);
  }

  private boolean atLeast(int wantedMajor, int wantedMinor) {
    return major > wantedMajor || (major == wantedMajor && minor >= wantedMinor);
  }

  /** The MySQL wire protocol ({@code mysql_port}). Untested here. */
  public boolean hasMysqlProtocol() {
    return atLeast(20, 5);
  }

  /**
   * A server-wide memory limit ({@code max_server_memory_usage}); older servers get a
   * per-user-profile limit.
   */
  public boolean hasServerMemoryLimit() {
    return atLeast(20, 4);
  }

  /**
   * Grants for users defined in users.xml ({@code <grants>}, 23.5) and the switch that makes {@code
   * SELECT} from system tables need a grant ({@code select_from_system_db_requires_grant}, 22.8).
   * Untested here.
   */
  public boolean hasUsersXmlGrants() {
    return atLeast(23, 5);
  }
}
