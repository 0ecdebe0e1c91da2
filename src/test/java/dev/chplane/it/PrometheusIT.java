package dev.chplane.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chplane.pipes.kafka.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Prometheus endpoints against two real ClickHouse servers: the families and labels of both
 * endpoints, the filtered list, errors in the JSON envelope, {@code promtool check metrics}, a real
 * Prometheus server scraping the organization endpoint, the ClickPipes counters of a pipe reading a
 * real Kafka broker, and a stopped service scraped as {@code partial} without being started.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusIT {
  private static final String ORG_METRICS =
      "/v1/organizations/" + TestInstallation.ORG + "/prometheus";

  /**
   * The lint rules promtool applies that the official ClickHouse Cloud names do not follow
   * (CamelCase, _Total).
   */
  private static final List<String> ACCEPTED_LINT =
      List.of(
          "metric names should be written in 'snake_case' not 'camelCase'",
          "counter metrics should have \"_total\" suffix",
          "metric names should not contain abbreviated units");

  private static TestInstallation chplane;
  private static KafkaBroker kafka;
  private static String first;
  private static String second;

  @BeforeAll
  static void start() {
    kafka = new KafkaBroker();
    chplane = new TestInstallation();
    String ip = "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]";
    first =
        chplane
            .create(
                "{\"name\":\"metrics \\\"one\\\"\",\"provider\":\"aws\",\"region\":\"us-east-1\",\"ipAccessList\":"
                    + ip
                    + "}")
            .at("/service/id")
            .asText();
    second =
        chplane
            .create(
                "{\"name\":\"metrics two\",\"provider\":\"aws\",\"region\":\"us-east-1\",\"ipAccessList\":"
                    + ip
                    + "}")
            .at("/service/id")
            .asText();
    chplane.awaitState(first, "running");
    chplane.awaitState(second, "running");
  }

  @AfterAll
  static void stop() {
    if (chplane != null) {
      chplane.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static String metrics(String service) {
    return TestInstallation.service(service) + "/prometheus";
  }

  private static Map<String, Exposition.Family> scrape(String path) {
    ApiClient.TextResponse r = chplane.api().getText(path);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("text/plain; version=0.0.4");
    return Exposition.parse(r.body());
  }

  private static Exposition.Sample info(Map<String, Exposition.Family> families, String service) {
    return families.get("ClickHouse_ServiceInfo").samples().stream()
        .filter(s -> s.labels().get("clickhouse_service").equals(service))
        .findFirst()
        .orElseThrow();
  }

  @Test
  @Order(1)
  void theServiceEndpointServesItsServersMetricsWithTheServiceLabels() {
    JsonNode service = chplane.api().get(TestInstallation.service(first)).result();
    Map<String, Exposition.Family> families = scrape(metrics(first));
    assertThat(families.get("ClickHouseMetrics_Query").type()).isEqualTo("gauge");
    assertThat(families.get("ClickHouseMetrics_Query").help())
        .isEqualTo("Number of executing queries");
    assertThat(families.get("ClickHouseMetrics_TCPConnection").type()).isEqualTo("gauge");
    assertThat(families.get("ClickHouseProfileEvents_Query").type()).isEqualTo("counter");
    assertThat(families.get("ClickHouseProfileEvents_Query").help())
        .startsWith("Number of queries");
    Map<String, String> labels =
        Map.of(
            "clickhouse_org",
            TestInstallation.ORG,
            "clickhouse_service",
            first,
            "clickhouse_service_name",
            "metrics \"one\"");
    families.values().stream()
        .flatMap(f -> f.samples().stream())
        .forEach(s -> assertThat(s.labels()).as(s.toString()).containsAllEntriesOf(labels));
    families.values().stream()
        .flatMap(f -> f.samples().stream())
        .forEach(
            s ->
                assertThat(s.labels())
                    .as("the replica's server, or the service for its own samples: " + s)
                    .containsEntry(
                        "hostname",
                        s.name().equals("ClickHouse_ServiceInfo") || s.name().startsWith("chplane_")
                            ? "localhost"
                            : "metrics \"one\"-0"));
    assertThat(
            families.values().stream()
                .flatMap(f -> f.samples().stream())
                .filter(s -> s.name().startsWith("ClickHouse")))
        .hasSizeGreaterThan(50);
    Exposition.Sample info = info(families, first);
    assertThat(info.value()).isEqualTo("1");
    assertThat(info.labels())
        .containsEntry("scrape", "full")
        .containsEntry("clickhouse_cluster_status", "running")
        .containsEntry("clickhouse_version", service.get("clickhouseVersion").asText());
    assertThat(families.get("ClickHouse_ServiceInfo").type()).isEqualTo("gauge");
    assertThat(families.get("ClickHouse_ServiceInfo").samples()).hasSize(1);
  }

  @Test
  @Order(2)
  void theOrganizationEndpointHoldsEveryServiceWithEachFamilyOnce() {
    Map<String, Exposition.Family> families = scrape(ORG_METRICS);
    assertThat(families.get("ClickHouse_ServiceInfo").samples())
        .extracting(s -> s.labels().get("clickhouse_service"))
        .containsExactlyInAnyOrder(first, second);
    assertThat(families.get("ClickHouseProfileEvents_Query").samples())
        .extracting(s -> s.labels().get("clickhouse_service_name"))
        .containsExactlyInAnyOrder("metrics \"one\"", "metrics two");
    assertThat(info(families, second).labels()).containsEntry("scrape", "full");

    Map<String, Exposition.Family> filtered = scrape(ORG_METRICS + "?filtered_metrics=true");
    assertThat(filtered.keySet())
        .contains(
            "ClickHouse_ServiceInfo",
            "ClickHouseProfileEvents_Query",
            "ClickHouseMetrics_MemoryTracking",
            "ClickHouseMetrics_TCPConnection");
    assertThat(filtered.keySet())
        .isSubsetOf(
            Set.of(
                "ClickHouse_ServiceInfo",
                "ClickHouseMetrics_Query",
                "ClickHouseMetrics_TCPConnection",
                "ClickHouseMetrics_HTTPConnection",
                "ClickHouseMetrics_MemoryTracking",
                "ClickHouseProfileEvents_Query",
                "ClickHouseProfileEvents_SelectQuery",
                "ClickHouseProfileEvents_InsertQuery",
                "ClickHouseProfileEvents_FailedQuery",
                "ClickHouseProfileEvents_InsertedRows",
                "ClickHouseProfileEvents_InsertedBytes",
                "ClickHouseAsyncMetrics_Uptime",
                "ChplaneDisk_FreeBytes",
                "ChplaneDisk_MinFreeBytes"));
    assertThat(scrape(metrics(first) + "?filtered_metrics=false").keySet())
        .hasSizeGreaterThan(filtered.size());

    ApiClient.Response bad = chplane.api().get(ORG_METRICS + "?filtered_metrics=yes");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error()).startsWith("BAD_REQUEST: filtered_metrics");
    assertThat(chplane.api().get(metrics(first) + "?filtered_metrics=1").status()).isEqualTo(400);
    assertThat(
            chplane
                .api()
                .get(
                    TestInstallation.service("00000000-0000-4000-8000-000000000001")
                        + "/prometheus")
                .status())
        .isEqualTo(404);
    ApiClient.Response other =
        chplane.api().get("/v1/organizations/00000000-0000-4000-8000-000000000002/prometheus");
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.error()).startsWith("FORBIDDEN: ");
    assertThat(chplane.anonymous().get(ORG_METRICS).status()).isEqualTo(401);

    JsonNode key =
        chplane
            .api()
            .post(
                "/v1/organizations/" + TestInstallation.ORG + "/keys",
                "{\"name\":\"scraper\",\"roles\":[\"developer\"]}")
            .result();
    ApiClient developer = chplane.apiWith(key.get("keyId").asText(), key.get("keySecret").asText());
    assertThat(developer.getText(ORG_METRICS).status()).isEqualTo(200);
    assertThat(developer.getText(metrics(second)).status()).isEqualTo(200);
  }

  @Test
  @Order(3)
  void theOrganizationEndpointCountsWhatEachClickPipeDid() {
    kafka.createTopic("metrics", 2);
    List<String> messages = new java.util.ArrayList<>();
    for (int i = 0; i < 7; i++) {
      messages.add("{\"id\":" + i + ",\"note\":\"n" + i + "\"}");
    }
    messages.add("{\"id\":\"not a number\"}");
    kafka.produce("metrics", messages);
    ApiClient.Response created =
        chplane
            .api()
            .post(
                TestInstallation.service(first) + "/clickpipes",
                "{\"name\":\"metered\","
                    + "\"source\":{\"kafka\":{\"type\":\"kafka\",\"format\":\"JSONEachRow\",\"brokers\":\""
                    + kafka.bootstrap(KafkaBroker.Listener.PLAINTEXT)
                    + "\",\"topics\":\"metrics\"}},\"destination\":{\"database\":"
                    + "\"default\",\"table\":\"metered\",\"managedTable\":true,\"tableDefinition\":{\"engine\":{\"type\":\"MergeTree\"},"
                    + "\"sortingKey\":[\"id\"]},\"columns\":[{\"name\":\"id\",\"type\":\"UInt64\"},{\"name\":\"note\",\"type\":\"String\"}]},"
                    + "\"settings\":{\"streaming_max_insert_wait_ms\":500}}");
    assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
    String pipe = created.result().get("id").asText();
    Map<String, Exposition.Family> families =
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(300))
            .until(
                () -> scrape(ORG_METRICS),
                f ->
                    pipeValue(f, "ClickPipes_SentEvents_Total", pipe) == 7
                        && pipeValue(f, "ClickPipes_Errors_Total", pipe) == 1);
    assertThat(pipeValue(families, "ClickPipes_FetchedEvents_Total", pipe)).isEqualTo(8);
    assertThat(pipeValue(families, "ClickPipes_FetchedBytes_Total", pipe))
        .isEqualTo(
            messages.stream().mapToInt(m -> m.getBytes(StandardCharsets.UTF_8).length).sum());
    assertThat(pipeValue(families, "ClickPipes_SentBytes_Total", pipe)).isPositive();
    assertThat(pipeValue(families, "ClickPipes_Latency", pipe)).isBetween(0.0, 60.0);
    for (String counter :
        List.of(
            "ClickPipes_FetchedEvents_Total",
            "ClickPipes_SentEvents_Total",
            "ClickPipes_FetchedBytes_Total",
            "ClickPipes_SentBytes_Total",
            "ClickPipes_Errors_Total")) {
      assertThat(families.get(counter).type()).as(counter).isEqualTo("counter");
    }
    assertThat(families.get("ClickPipes_Latency").type()).isEqualTo("gauge");
    Exposition.Sample info = pipeSample(families, "ClickPipes_Info", pipe);
    assertThat(info.value()).isEqualTo("1");
    assertThat(info.labels())
        .containsEntry("clickpipe_state", "Running")
        .containsEntry("clickpipe_name", "metered")
        .containsEntry("clickpipe_source", "kafka")
        .containsEntry("clickhouse_service", first)
        .containsEntry("clickhouse_org", TestInstallation.ORG)
        .containsEntry("clickhouse_service_name", "metrics \"one\"");
    assertThat(scrape(ORG_METRICS + "?filtered_metrics=true"))
        .containsKeys("ClickPipes_Info", "ClickPipes_SentEvents_Total");
    assertThat(scrape(metrics(first))).doesNotContainKey("ClickPipes_Info");
  }

  private static Exposition.Sample pipeSample(
      Map<String, Exposition.Family> families, String family, String pipe) {
    Exposition.Family f = families.get(family);
    return f == null
        ? null
        : f.samples().stream()
            .filter(s -> pipe.equals(s.labels().get("clickpipe_id")))
            .findFirst()
            .orElse(null);
  }

  private static double pipeValue(
      Map<String, Exposition.Family> families, String family, String pipe) {
    Exposition.Sample s = pipeSample(families, family, pipe);
    return s == null ? -1 : s.number();
  }

  @Test
  @Order(4)
  void promtoolAcceptsBothEndpoints() throws Exception {
    for (String path :
        List.of(ORG_METRICS, metrics(first), ORG_METRICS + "?filtered_metrics=true")) {
      String text = chplane.api().getText(path).body();
      Process promtool =
          new ProcessBuilder(PrometheusServer.PROMTOOL.toString(), "check", "metrics")
              .redirectErrorStream(true)
              .start();
      try {
        promtool.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        promtool.getOutputStream().close();
        String output =
            new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // 0: clean; 3: only lint findings (1 would be a parse error)
        assertThat(promtool.exitValue()).as(path + ": " + output).isIn(0, 3);
        List<String> problems =
            output
                .lines()
                .filter(l -> ACCEPTED_LINT.stream().noneMatch(l::endsWith))
                .collect(Collectors.toList());
        assertThat(problems).as(path + ": findings other than the naming rules").isEmpty();
      } finally {
        promtool.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  @Order(5)
  void aRealPrometheusScrapesTheOrganizationEndpointWithBasicAuth() {
    try (PrometheusServer prometheus =
        new PrometheusServer(
            chplane.apiPort(), ORG_METRICS, TestInstallation.KEY_ID, TestInstallation.KEY_SECRET)) {
      JsonNode[] last = new JsonNode[1];
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .alias("Prometheus stores ClickHouse_ServiceInfo; targets: " + prometheus.targets())
          .until(
              () -> {
                last[0] =
                    prometheus.query(
                        "ClickHouse_ServiceInfo{clickhouse_service=\"" + first + "\"}");
                return last[0].size() == 1;
              });
      assertThat(last[0].get(0).at("/metric/scrape").asText()).isEqualTo("full");
      assertThat(last[0].get(0).at("/metric/job").asText()).isEqualTo("chplane");
      assertThat(last[0].get(0).at("/value/1").asText()).isEqualTo("1");
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  prometheus
                          .query(
                              "ClickHouseProfileEvents_Query{clickhouse_service=\""
                                  + second
                                  + "\"}")
                          .size()
                      == 1);
      assertThat(prometheus.query("up{job=\"chplane\"}").get(0).at("/value/1").asText())
          .isEqualTo("1");
    }
  }

  @Test
  @Order(6)
  void aStoppedServiceIsScrapedAsPartialAndIsNotStarted() {
    assertThat(
            chplane
                .api()
                .patch(TestInstallation.service(second) + "/state", "{\"command\":\"stop\"}")
                .status())
        .isEqualTo(200);
    chplane.awaitState(second, "stopped");
    Map<String, Exposition.Family> service = scrape(metrics(second));
    assertThat(service.keySet()).containsExactly("ClickHouse_ServiceInfo");
    assertThat(info(service, second).labels())
        .containsEntry("scrape", "partial")
        .containsEntry("clickhouse_cluster_status", "stopped");
    Map<String, Exposition.Family> org = scrape(ORG_METRICS);
    assertThat(info(org, second).labels()).containsEntry("scrape", "partial");
    assertThat(info(org, first).labels()).containsEntry("scrape", "full");
    assertThat(org.get("ClickHouseProfileEvents_Query").samples())
        .extracting(s -> s.labels().get("clickhouse_service"))
        .containsExactly(first);
    // a start would be stored by the request that asks for it, before any server is launched
    assertThat(chplane.api().get(TestInstallation.service(second)).result().get("state").asText())
        .isEqualTo("stopped");
    assertThat(ClickHouseProcesses.under(chplane.serviceDir(second)))
        .as("no server of the stopped service")
        .isEmpty();
  }

  /** Last: an 18.16 server computes its asynchronous metrics only 30 to 90 s after it started. */
  @Test
  @Order(7)
  void asynchronousMetricsAreGaugesWithSanitizedNames() {
    Map<String, Exposition.Family> families =
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () -> scrape(metrics(first)),
                f -> f.containsKey("ClickHouseAsyncMetrics_jemalloc_allocated"));
    assertThat(families.get("ClickHouseAsyncMetrics_jemalloc_allocated").type()).isEqualTo("gauge");
    assertThat(families.get("ClickHouseAsyncMetrics_jemalloc_allocated").samples().get(0).number())
        .isPositive();
    assertThat(families.get("ClickHouseAsyncMetrics_Uptime").samples().get(0).number())
        .isPositive();
    assertThat(families.keySet()).allMatch(name -> name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*"));
    assertThat(scrape(metrics(first) + "?filtered_metrics=true"))
        .containsKey("ClickHouseAsyncMetrics_Uptime")
        .doesNotContainKey("ClickHouseAsyncMetrics_jemalloc_allocated");
  }
}
