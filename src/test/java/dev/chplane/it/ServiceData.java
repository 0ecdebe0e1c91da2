package dev.chplane.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** Reads and writes a service's data over HTTPS as its user, for tests that compare data. */
final class ServiceData {
  private final Path ca;
  private final int port;
  private final String password;

  ServiceData(Path ca, JsonNode service, String password) {
    this.ca = ca;
    int found = 0;
    for (JsonNode e : service.get("endpoints")) {
      if (e.get("protocol").asText().equals("https")) {
        found = e.get("port").asInt();
      }
    }
    this.port = found;
    this.password = password;
  }

  String sql(String sql) throws Exception {
    ClickHouseClients.Answer a = ClickHouseClients.https(ca, port, password, sql);
    if (!a.ok()) {
      throw new AssertionError("query failed (" + a.status() + "): " + sql + ": " + a.body());
    }
    return a.body();
  }

  /**
   * Per table of every user database: row count and a content checksum, merged rows collapsed with
   * FINAL.
   */
  Map<String, String> checksums() throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (String line :
        sql("SELECT database, name, engine FROM system.tables WHERE database NOT IN ('system')"
                + " AND engine NOT IN ('View', 'MaterializedView') ORDER BY database, name FORMAT TSV")
            .split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t");
      String table = "`" + f[0] + "`.`" + f[1] + "`";
      // a restore makes plain tables Replicated: ReplicatedReplacingMergeTree needs FINAL too
      String engine = f[2].replaceFirst("^Replicated", "");
      String fin = engine.startsWith("Replacing") || engine.startsWith("Summing") ? " FINAL" : "";
      out.put(
          f[0] + "." + f[1], sql("SELECT count(), sum(cityHash64(*)) FROM " + table + fin).strip());
    }
    return out;
  }
}
