package dev.chplane.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chplane.it.ApiClient;
import dev.chplane.it.TestInstallation;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every response body of every operation chplane implements, success and error, conforms to the
 * official document's schema for it ({@link CheckedApi} checks each one as it arrives). The last
 * test proves the coverage: the operations exercised are exactly those {@code GET /v1} lists, each
 * answered with a 200 and with an error.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResponseConformanceIT {
  private static TestInstallation chplane;
  private static CheckedApi api;
  private static String service;

  @BeforeAll
  static void start() {
    // a short backup-schedule hour, so that a backup exists to read
    chplane = new TestInstallation(null, null, java.time.Duration.ofMillis(500));
    api =
        new CheckedApi(
            OfficialSchemas.load(),
            chplane.apiPort(),
            TestInstallation.KEY_ID,
            TestInstallation.KEY_SECRET);
  }

  @AfterAll
  static void stop() {
    chplane.close();
  }

  @Test
  @Order(1)
  void organizationResponsesConform() {
    KeyAndOrganizationCalls.organizations(api);
  }

  @Test
  @Order(2)
  void keyResponsesConform() {
    KeyAndOrganizationCalls.keys(api);
  }

  @Test
  @Order(3)
  void serviceResponsesConform() {
    service = ServiceCalls.servicesAndItems(api);
  }

  @Test
  @Order(4)
  void serviceSettingResponsesConform() {
    ServiceCalls.settings(api, service);
  }

  @Test
  @Order(5)
  void activityAndBackupResponsesConform() {
    ActivityAndBackupCalls.activities(api);
    ActivityAndBackupCalls.backups(api, service);
  }

  @Test
  @Order(6)
  void clickPipeResponsesConform() {
    ClickPipeCalls.pipes(api, service, sql -> ServiceSql.run(chplane, api, service, sql));
  }

  @Test
  @Order(7)
  void prometheusResponsesConform() {
    PrometheusCalls.metrics(api, service);
  }

  @Test
  @Order(8)
  void lifecycleResponsesConform() {
    ServiceCalls.lifecycle(api, service);
  }

  @Test
  @Order(9)
  void everyImplementedOperationWasCheckedWithASuccessAndAnError() {
    Set<Operation> implemented = implemented(chplane.api());
    assertThat(implemented)
        .as("GET /v1 lists chplane's operations")
        .hasSizeGreaterThanOrEqualTo(20)
        .contains(
            ServiceCalls.QUERY_ENDPOINT,
            ServiceCalls.UPSERT_QUERY_ENDPOINT,
            ServiceCalls.DELETE_QUERY_ENDPOINT);
    Map<Operation, Set<Integer>> seen = api.seen();
    assertThat(new TreeSet<>(names(seen.keySet())))
        .as("operations exercised")
        .isEqualTo(new TreeSet<>(names(implemented)));
    Set<Operation> withSuccess =
        seen.entrySet().stream()
            .filter(e -> e.getValue().contains(200))
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());
    assertThat(new TreeSet<>(names(withSuccess)))
        .as("operations checked with a 200")
        .isEqualTo(new TreeSet<>(names(implemented)));
    Set<Operation> withError =
        seen.entrySet().stream()
            .filter(e -> e.getValue().stream().anyMatch(s -> s != 200))
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());
    assertThat(new TreeSet<>(names(withError)))
        .as("operations checked with an error")
        .isEqualTo(new TreeSet<>(names(implemented)));
    assertThat(seen.values().stream().flatMap(Set::stream))
        .as("no operation answered 500")
        .doesNotContain(500);
  }

  /** The operations of chplane's own document, {@code GET /v1}. */
  static Set<Operation> implemented(ApiClient client) {
    ApiClient.Response v1 = client.get("/v1");
    assertThat(v1.status()).isEqualTo(200);
    Set<Operation> out = new LinkedHashSet<>();
    for (Map.Entry<String, JsonNode> path : v1.body().get("paths").properties()) {
      for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
        if (Operation.METHODS.contains(method.getKey())) {
          out.add(new Operation(method.getKey(), path.getKey()));
        }
      }
    }
    return out;
  }

  private static Set<String> names(Set<Operation> ops) {
    return ops.stream().map(Operation::toString).collect(Collectors.toSet());
  }
}
