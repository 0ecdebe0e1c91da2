package dev.chplane.api;

import dev.chplane.provision.ServerVersion;

/** Whether this installation's ClickHouse can serve the MySQL endpoint. */
record MysqlSupport(ServerVersion version) {
  void requireSupported(String field) {
    if (!version.hasMysqlProtocol()) {
      throw ApiException.badRequest(field + ": the MySQL endpoint needs ClickHouse 20.5 or newer;"
          + " this installation runs clickhouse-server " + version.text());
    }
  }
}
