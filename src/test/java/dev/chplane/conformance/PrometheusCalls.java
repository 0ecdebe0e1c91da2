package dev.chplane.conformance;

import static dev.chplane.conformance.KeyAndOrganizationCalls.MISSING;
import static dev.chplane.conformance.KeyAndOrganizationCalls.ORG_ID;
import static dev.chplane.conformance.KeyAndOrganizationCalls.OTHER_ORG;
import static dev.chplane.conformance.Operation.ORG;
import static dev.chplane.conformance.Operation.SERVICE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.it.Exposition;

/**
 * The Prometheus operations, each answered with 200 ({@code text/plain}, checked as text against
 * the official document, and as the exposition format here) and with errors in the JSON envelope.
 */
final class PrometheusCalls {
  static final Operation ORGANIZATION = Operation.get(ORG + "/prometheus");
  static final Operation SERVICE_METRICS = Operation.get(SERVICE + "/prometheus");

  private PrometheusCalls() {}

  static void metrics(CheckedApi api, String service) {
    for (String query : new String[] {"", "?filtered_metrics=true", "?filtered_metrics=false"}) {
      String org =
          api.send(ORGANIZATION, ORGANIZATION.concrete(ORG_ID) + query, null).body().asText();
      assertThat(Exposition.parse(org)).containsKey("ClickHouse_ServiceInfo");
      String one =
          api.send(SERVICE_METRICS, SERVICE_METRICS.concrete(ORG_ID, service) + query, null)
              .body()
              .asText();
      assertThat(Exposition.parse(one)).containsKey("ClickHouse_ServiceInfo");
    }
    expectAt(400, ORGANIZATION, ORGANIZATION.concrete(ORG_ID) + "?filtered_metrics=TRUE", api);
    api.expect(403, ORGANIZATION, null, OTHER_ORG);
    expectAt(
        400,
        SERVICE_METRICS,
        SERVICE_METRICS.concrete(ORG_ID, service) + "?filtered_metrics=",
        api);
    api.expect(404, SERVICE_METRICS, null, ORG_ID, MISSING);
    api.expect(403, SERVICE_METRICS, null, OTHER_ORG, service);
  }

  private static void expectAt(int status, Operation op, String path, CheckedApi api) {
    assertThat(api.send(op, path, null).status()).as(op + " " + path).isEqualTo(status);
  }
}
