package dev.chplane.store;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a PostgreSQL metadata store lives, read from {@code
 * postgresql://user:password@host:port/database} or the same with a {@code jdbc:} prefix. The user
 * and password move out of the URL into their own fields, percent-decoded, so that the JDBC URL and
 * {@link #toString()} never carry the password.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/database[?parameters]}, without user
 *     information
 * @param user the user, or null to leave it to the driver (e.g. a {@code user} URL parameter)
 * @param password the password, or null
 */
record PostgresUrl(String jdbcUrl, String user, String password) {
  static final String SCHEME = "postgresql://";
  static final String JDBC_SCHEME = "jdbc:" + SCHEME;

  static boolean isPostgres(String url) {
    return url.startsWith(SCHEME) || url.startsWith(JDBC_SCHEME);
  }

  /**
   * @throws IllegalArgumentException if {@code url} is not a PostgreSQL URL with a host
   */
  static PostgresUrl parse(String url) {
    if (!isPostgres(url)) {
      throw new IllegalArgumentException("not a PostgreSQL URL: " + redact(url));
    }
    String rest = url.substring(url.indexOf(SCHEME) + SCHEME.length());
    // the last '@' before any parameters ends the user information, so that an unencoded '@' or '/'
    // in a password still stays out of the JDBC URL
    int at = rest.lastIndexOf('@', queryStart(rest) - 1);
    String userInfo = at < 0 ? null : rest.substring(0, at);
    String location = rest.substring(at + 1);
    int hostsEnd = indexOfAny(location, "/?");
    if (hostsEnd == 0) {
      throw new IllegalArgumentException("no host in the PostgreSQL URL " + redact(url));
    }
    String user = null;
    String password = null;
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), url);
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1), url);
    }
    return new PostgresUrl(JDBC_SCHEME + location, user, password);
  }

  /** The same server, user and URL parameters on another database. */
  PostgresUrl withDatabase(String database) {
    String location = location();
    int query = queryStart(location);
    return new PostgresUrl(
        JDBC_SCHEME
            + location.substring(0, indexOfAny(location, "/?"))
            + "/"
            + database
            + location.substring(query),
        user,
        password);
  }

  /** {@code postgresql://user@host:port/database}: what may be logged. */
  @Override
  public String toString() {
    String location = location();
    return SCHEME + (user == null ? "" : user + "@") + location.substring(0, queryStart(location));
  }

  /** {@code host:port/database[?parameters]}: the JDBC URL after its scheme. */
  String location() {
    return jdbcUrl.substring(JDBC_SCHEME.length());
  }

  /** {@code url} with any user information and URL parameters removed, for messages. */
  static String redact(String url) {
    String shown = url.substring(0, queryStart(url));
    int scheme = shown.indexOf("//");
    int at = shown.lastIndexOf('@');
    return scheme >= 0 && at > scheme
        ? shown.substring(0, scheme + 2) + shown.substring(at + 1)
        : shown;
  }

  private static int queryStart(String s) {
    int query = s.indexOf('?');
    return query < 0 ? s.length() : query;
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return s.length();
  }

  private static String decode(String s, String url) {
    try {
      // URLDecoder would turn '+' into a space; in a URL's user information '+' is itself
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // not chained: the decoder's message quotes the text, which may be the password
      throw new IllegalArgumentException(
          "bad %-escape in the user or password of the PostgreSQL URL " + redact(url));
    }
  }
}
