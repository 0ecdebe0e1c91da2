package dev.chplane.api;

/**
 * Whether this installation's ClickHouse can serve the MySQL endpoint ({@code available}), and the
 * server version to name when it cannot.
 */
record MysqlSupport(boolean available, String serverVersion) {
  void requireSupported(String field) {
    if (!available) {
      throw ApiException.badRequest(
          field
              + ": the MySQL endpoint needs ClickHouse 20.5 or newer;"
              + " this installation runs clickhouse-server "
              + serverVersion);
    }
  }
}
