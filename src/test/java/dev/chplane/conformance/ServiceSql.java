package dev.chplane.conformance;

import static dev.chplane.conformance.KeyAndOrganizationCalls.ORG_ID;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chplane.it.ClickHouseClients;
import dev.chplane.it.TestInstallation;

/** Runs SQL on a service as its user, after giving it a known password. */
final class ServiceSql {
  private static final String PASSWORD = "conformance-sql-0123";

  private ServiceSql() {}

  static void run(TestInstallation chplane, CheckedApi api, String service, String sql) {
    api.expect(
        200,
        ServiceCalls.PASSWORD,
        "{\"newPasswordHash\":\"" + KeyAndOrganizationCalls.sha256Base64(PASSWORD) + "\"}",
        ORG_ID,
        service);
    JsonNode s = api.expect(200, ServiceCalls.GET, null, ORG_ID, service).result();
    int port = 0;
    for (JsonNode e : s.get("endpoints")) {
      if (e.get("protocol").asText().equals("https")) {
        port = e.get("port").asInt();
      }
    }
    try {
      ClickHouseClients.Answer a =
          ClickHouseClients.https(chplane.caCertificate(), port, PASSWORD, sql);
      assertThat(a.ok()).as(sql + ": " + a.body()).isTrue();
    } catch (Exception e) {
      throw new AssertionError("cannot run " + sql, e);
    }
  }
}
