package dev.chplane.pipes.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chplane.it.ApiClient;
import dev.chplane.it.ClickHouseClients;
import dev.chplane.it.Exposition;
import dev.chplane.it.TestInstallation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Kafka ClickPipes against a real broker and a real ClickHouse service. */
class KafkaPipeIT {
  private static KafkaBroker kafka;
  private static TestInstallation chplane;
  private static String service;
  private static String password;
  private static int https;

  @BeforeAll
  static void start() {
    kafka = new KafkaBroker();
    chplane = new TestInstallation();
    JsonNode created =
        chplane.createRunning("pipes", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
    service = created.at("/service/id").asText();
    password = created.get("password").asText();
    https = created.at("/service/endpoints/1/port").asInt();
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

  private static String pipes() {
    return TestInstallation.service(service) + "/clickpipes";
  }

  static String sql(String query) throws Exception {
    ClickHouseClients.Answer a =
        ClickHouseClients.https(chplane.caCertificate(), https, password, query);
    assertThat(a.ok()).as(query + ": " + a.body()).isTrue();
    return a.body().strip();
  }

  private static JsonNode awaitPipe(String id, String state) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              last[0] = chplane.api().get(pipes() + "/" + id).result();
              return state.equals(last[0].get("state").asText());
            });
    return last[0];
  }

  /** A pipe's counter as the organization's Prometheus endpoint shows it. */
  private static long pipeCounter(String pipeId, String family) {
    return (long)
        Exposition.parse(
                chplane
                    .api()
                    .getText("/v1/organizations/" + TestInstallation.ORG + "/prometheus")
                    .body())
            .get(family)
            .samples()
            .stream()
            .filter(s -> pipeId.equals(s.labels().get("clickpipe_id")))
            .findFirst()
            .orElseThrow()
            .number();
  }

  private static List<String> messages(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(
            i ->
                "{\"id\":"
                    + i
                    + ",\"name\":\"n"
                    + i
                    + "\",\"amount\":"
                    + (i / 4.0)
                    + ",\"ts\":\"2026-11-26T10:00:00Z\",\"tags\":[\"a\",\"b\"],\"kind\":\"k"
                    + (i % 3)
                    + "\"}")
        .collect(Collectors.toList());
  }

  private static String kafkaSource(String topic, String extra) {
    return "{\"kafka\":{\"type\":\"kafka\",\"format\":\"JSONEachRow\",\"brokers\":\""
        + kafka.bootstrap(KafkaBroker.Listener.PLAINTEXT)
        + "\",\"topics\":\""
        + topic
        + "\""
        + extra
        + "}}";
  }

  @Test
  void managedTablePipeDeliversRowsSendsBadMessagesToTheErrorTableAndStopsStartsScalesAndDeletes()
      throws Exception {
    kafka.createTopic("orders", 3);
    List<String> batch = new ArrayList<>(messages(0, 500));
    batch.add("{\"id\":\"not a number\"}");
    kafka.produce("orders", batch);
    ApiClient.Response created =
        chplane
            .api()
            .post(
                pipes(),
                "{\"name\":\"orders pipe\",\"source\":"
                    + kafkaSource("orders", ",\"offset\":{\"strategy\":\"from_beginning\"}")
                    + ",\"destination\":{\"database\":\"default\","
                    + "\"table\":\"orders\",\"managedTable\":true,\"tableDefinition\":{\"engine\":{\"type\":\"MergeTree\"},"
                    + "\"sortingKey\":[\"id\"]},\"columns\":[{\"name\":\"id\",\"type\":\"UInt64\"},{\"name\":\"name\",\"type\":\"String\"},"
                    + "{\"name\":\"amount\",\"type\":\"Float64\"},{\"name\":\"ts\",\"type\":\"DateTime\"},"
                    + "{\"name\":\"tags\",\"type\":\"Array(String)\"},{\"name\":\"kind\",\"type\":\"LowCardinality(String)\"},"
                    + "{\"name\":\"part\",\"type\":\"Int32\"}]},\"fieldMappings\":[{\"sourceField\":\"_partition\",\"destinationField\":\"part\"}],"
                    + "\"settings\":{\"streaming_max_insert_wait_ms\":500},\"scaling\":{\"replicas\":1}}");
    assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
    String id = created.result().get("id").asText();
    assertThat(created.result().at("/source/kafka/consumerGroup").asText())
        .isEqualTo("clickpipes-" + id);
    awaitPipe(id, "Running");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> sql("SELECT count() FROM default.orders").equals("500"));
    assertThat(
            sql(
                "SELECT sum(id), max(part) < 3, any(ts), any(tags), uniqExact(kind) FROM default.orders"))
        .isEqualTo("124750\t1\t2026-11-26 10:00:00\t['a','b']\t3");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> sql("SELECT count() FROM default.orders_clickpipes_error").equals("1"));
    assertThat(sql("SELECT raw, error FROM default.orders_clickpipes_error"))
        .contains("not a number")
        .contains("column id (UInt64)");

    assertThat(
            chplane.api().patch(pipes() + "/" + id + "/state", "{\"command\":\"stop\"}").status())
        .isEqualTo(200);
    awaitPipe(id, "Stopped");
    kafka.produce("orders", messages(500, 700));
    assertThat(sql("SELECT count() FROM default.orders")).isEqualTo("500");
    chplane.api().patch(pipes() + "/" + id + "/state", "{\"command\":\"start\"}");
    awaitPipe(id, "Running");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> sql("SELECT count() FROM default.orders").equals("700"));
    String log =
        chplane
            .api()
            .get("/v1/organizations/" + TestInstallation.ORG + "/activities")
            .result()
            .toString();
    assertThat(log)
        .contains("clickpipe " + id + " (orders pipe): stop")
        .contains("clickpipe " + id + " (orders pipe): start");

    JsonNode scaled =
        chplane.api().patch(pipes() + "/" + id + "/scaling", "{\"replicas\":2}").result();
    assertThat(scaled.at("/scaling/replicas").asInt()).isEqualTo(2);
    assertThat(scaled.at("/scaling/replicaCpuMillicores").asInt()).isPositive();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              ConsumerGroupDescription group =
                  kafka
                      .admin()
                      .describeConsumerGroups(List.of("clickpipes-" + id))
                      .describedGroups()
                      .get("clickpipes-" + id)
                      .get();
              List<TopicPartition> held = new ArrayList<>();
              int active = 0;
              for (MemberDescription m : group.members()) {
                if (!m.assignment().topicPartitions().isEmpty()) {
                  active++;
                  held.addAll(m.assignment().topicPartitions());
                }
              }
              return active == 2 && held.size() == 3 && held.stream().distinct().count() == 3;
            });
    kafka.produce("orders", messages(700, 1000));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> sql("SELECT uniqExact(id) FROM default.orders").equals("1000"));

    assertThat(chplane.api().delete(pipes() + "/" + id).status()).isEqualTo(200);
    assertThat(chplane.api().get(pipes() + "/" + id).status()).isEqualTo(404);
    assertThat(sql("EXISTS TABLE default.orders")).isEqualTo("1");
  }

  @Test
  void messagesThatAlreadyAreRowsAndMessagesThatNeedConvertingMakeTheSameTable() throws Exception {
    kafka.createTopic("mixed", 1);
    kafka.produce(
        "mixed",
        List.of(
            // already rows, with fields the table does not have (skipped by the server)
            "{\"id\":1,\"ts\":\"2026-11-26 10:00:00\",\"f\":0.5,\"e\":\"a\",\"n\":null,\"arr\":[\"x\"],\"extra\":{\"deep\":[1,{\"k\":\"v\"}]}}",
            "{\"zzz\":\"skip me\",\"id\":2,\"ts\":\"2026-11-26 10:00:01\",\"f\":12,\"e\":\"b\",\"n\":-5,\"arr\":[]}",
            // converted: number as text, ISO and epoch date-times, exponent, enum by number,
            // missing fields
            "{\"id\":\"3\",\"ts\":\"2026-11-26T10:00:02Z\",\"f\":5.2E-5,\"e\":2,\"n\":7,\"arr\":[\"y\",\"z\"]}",
            "{\"id\":4,\"ts\":1764151203,\"f\":1.25,\"e\":\"a\"}",
            "{\"id\":5,\"ts\":\"2026-11-26 10:00:04\",\"f\":1,\"e\":\"c\",\"n\":null,\"arr\":[]}"));
    String id =
        chplane
            .api()
            .post(
                pipes(),
                "{\"name\":\"mixed\",\"source\":"
                    + kafkaSource("mixed", "")
                    + ",\"destination\":{\"database\":\"default\",\"table\":\"mixed\",\"managedTable\":true,"
                    + "\"tableDefinition\":{\"engine\":{\"type\":\"MergeTree\"},\"sortingKey\":[\"id\"]},\"columns\":["
                    + "{\"name\":\"id\",\"type\":\"UInt64\"},{\"name\":\"ts\",\"type\":\"DateTime\"},{\"name\":\"f\",\"type\":\"Float64\"},"
                    + "{\"name\":\"e\",\"type\":\"Enum8('a' = 1, 'b' = 2)\"},{\"name\":\"n\",\"type\":\"Nullable(Int8)\"},"
                    + "{\"name\":\"arr\",\"type\":\"Array(String)\"}]},\"settings\":{\"streaming_max_insert_wait_ms\":500}}")
            .result()
            .get("id")
            .asText();
    awaitPipe(id, "Running");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> sql("SELECT count() FROM default.mixed").equals("4"));
    assertThat(sql("SELECT * FROM default.mixed ORDER BY id"))
        .isEqualTo(
            String.join(
                "\n",
                "1\t2026-11-26 10:00:00\t0.5\ta\t\\N\t['x']",
                "2\t2026-11-26 10:00:01\t12\tb\t-5\t[]",
                "3\t2026-11-26 10:00:02\t0.000052\tb\t7\t['y','z']",
                "4\t2025-11-26 10:00:03\t1.25\ta\t\\N\t[]"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> sql("SELECT count() FROM default.mixed_clickpipes_error").equals("1"));
    assertThat(sql("SELECT error FROM default.mixed_clickpipes_error")).contains("column e (Enum8");
    assertThat(chplane.api().delete(pipes() + "/" + id).status()).isEqualTo(200);
  }

  @Test
  void theRestOfABacklogGoesInOnceReadInsteadOfWaitingOutTheMaximumWait() throws Exception {
    // more than one full batch (100,000 rows, polled 20,000 at a time): at least 30,000 rows are
    // left over
    kafka.createTopic("backlog", 1);
    kafka.produce(
        "backlog",
        IntStream.range(0, 150_000)
            .mapToObj(i -> "{\"id\":" + i + "}")
            .collect(Collectors.toList()));
    String id =
        chplane
            .api()
            .post(
                pipes(),
                "{\"name\":\"backlog\",\"source\":"
                    + kafkaSource("backlog", "")
                    + ",\"destination\":{\"database\":\"default\",\"table\":\"backlog\",\"managedTable\":true,"
                    + "\"tableDefinition\":{\"engine\":{\"type\":\"MergeTree\"},\"sortingKey\":[\"id\"]},"
                    + "\"columns\":[{\"name\":\"id\",\"type\":\"UInt64\"}]},\"settings\":{\"streaming_max_insert_wait_ms\":60000}}")
            .result()
            .get("id")
            .asText();
    await()
        .atMost(Duration.ofSeconds(40))
        .until(() -> sql("SELECT count() FROM default.backlog").equals("150000"));
    // a trickle after it still waits for the maximum wait (or a full batch): read, and held
    kafka.produce("backlog", List.of("{\"id\":150000}"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> pipeCounter(id, "ClickPipes_FetchedEvents_Total") == 150_001);
    assertThat(pipeCounter(id, "ClickPipes_SentEvents_Total")).isEqualTo(150_000);
    assertThat(sql("SELECT count() FROM default.backlog")).isEqualTo("150000");
    assertThat(chplane.api().delete(pipes() + "/" + id).status()).isEqualTo(200);
  }

  @Test
  void existingTablePipeMapsFieldsAndBadRequestsAre400sThatNameTheField() throws Exception {
    kafka.createTopic("events", 1);
    sql(
        "CREATE TABLE default.events (event_id UInt32, who String, at DateTime) ENGINE = MergeTree ORDER BY event_id");
    kafka.produce(
        "events",
        List.of(
            "{\"eid\":1,\"user\":{\"name\":\"ann\"},\"t\":1764151200}",
            "{\"eid\":2,\"user\":{\"name\":\"bob\"},\"t\":\"2026-11-26 10:00:00\"}"));
    String body =
        "{\"name\":\"events\",\"source\":"
            + kafkaSource("events", "")
            + ",\"destination\":{\"database\":\"default\","
            + "\"table\":\"events\",\"managedTable\":false},\"fieldMappings\":[{\"sourceField\":\"eid\",\"destinationField\":\"event_id\"},"
            + "{\"sourceField\":\"user.name\",\"destinationField\":\"who\"},{\"sourceField\":\"t\",\"destinationField\":\"at\"}],"
            + "\"settings\":{\"streaming_max_insert_wait_ms\":500}}";
    String id = chplane.api().post(pipes(), body).result().get("id").asText();
    awaitPipe(id, "Running");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> sql("SELECT count() FROM default.events").equals("2"));
    assertThat(sql("SELECT who, at FROM default.events ORDER BY event_id"))
        .isEqualTo("ann\t2025-11-26 10:00:00\nbob\t2026-11-26 10:00:00");

    Map<String, String> bad =
        Map.of(
            "{\"name\":\"x\",\"source\":"
                + kafkaSource("events", "")
                + ",\"destination\":{\"table\":\"missing\"}}",
            "destination.table",
            "{\"name\":\"x\",\"source\":"
                + kafkaSource("events", "")
                + ",\"destination\":{\"table\":\"t64\",\"managedTable\":true,"
                + "\"columns\":[{\"name\":\"a\",\"type\":\"DateTime64(3)\"}]}}",
            "DateTime64",
            "{\"name\":\"x\",\"source\":"
                + kafkaSource("events", ",\"authentication\":\"IAM_ROLE\"")
                + ",\"destination\":{\"table\":\"events\"}}",
            "source.kafka.authentication",
            "{\"name\":\"x\",\"source\":"
                + kafkaSource("events", ",\"exactlyOnce\":true")
                + ",\"destination\":{\"table\":\"events\"}}",
            "source.kafka.exactlyOnce",
            "{\"name\":\"x\",\"source\":"
                + kafkaSource("events", ",\"format\":\"Avro\"")
                + ",\"destination\":{\"table\":\"events\"}}",
            "source.kafka.format",
            "{\"name\":\"x\",\"source\":{\"kinesis\":{}},\"destination\":{\"table\":\"events\"}}",
            "source.kinesis",
            "{\"name\":\"x\",\"source\":"
                + kafkaSource(
                        "events", ",\"type\":\"warpstream\",\"authentication\":\"SCRAM-SHA-256\"")
                    .replace("\"type\":\"kafka\",", "")
                + ",\"destination\":{\"table\":\"events\"}}",
            "not supported for type warpstream");
    int before = chplane.api().get(pipes()).result().size();
    bad.forEach(
        (request, field) -> {
          ApiClient.Response r = chplane.api().post(pipes(), request);
          assertThat(r.status()).as(request).isEqualTo(400);
          assertThat(r.error()).as(request).contains(field);
        });
    assertThat(chplane.api().get(pipes()).result()).hasSize(before);
    ApiClient.Response resync =
        chplane.api().patch(pipes() + "/" + id + "/state", "{\"command\":\"resync\"}");
    assertThat(resync.status()).isEqualTo(400);
    assertThat(resync.error()).contains("resync");
    assertThat(chplane.api().get(pipes() + "/00000000-0000-4000-8000-000000000001").status())
        .isEqualTo(404);
  }

  @Test
  void authenticatedBrokersWorkAndWrongCredentialsFailThePipeWithTheReason() throws Exception {
    kafka.createTopic("secure", 1);
    kafka.produce("secure", messages(0, 10));
    sql("CREATE TABLE default.secure (id UInt64, auth String) ENGINE = MergeTree ORDER BY id");
    String sasl = kafka.bootstrap(KafkaBroker.Listener.SASL_PLAINTEXT);
    String tls = kafka.bootstrap(KafkaBroker.Listener.SSL);
    String pem = kafka.tls().caCertificatePem().replace("\n", "\\n");
    Map<String, String> sources =
        Map.of(
            "PLAIN",
                "\"brokers\":\""
                    + sasl
                    + "\",\"authentication\":\"PLAIN\",\"credentials\":{\"username\":\""
                    + KafkaBroker.PLAIN_USER
                    + "\",\"password\":\""
                    + KafkaBroker.PLAIN_PASSWORD
                    + "\"}",
            "SCRAM-SHA-256",
                "\"brokers\":\""
                    + sasl
                    + "\",\"authentication\":\"SCRAM-SHA-256\",\"credentials\":{\"username\":\""
                    + KafkaBroker.SCRAM_256_USER
                    + "\",\"password\":\""
                    + KafkaBroker.SCRAM_256_PASSWORD
                    + "\"}",
            "SCRAM-SHA-512",
                "\"brokers\":\""
                    + sasl
                    + "\",\"authentication\":\"SCRAM-SHA-512\",\"credentials\":{\"username\":\""
                    + KafkaBroker.SCRAM_512_USER
                    + "\",\"password\":\""
                    + KafkaBroker.SCRAM_512_PASSWORD
                    + "\"}",
            "MUTUAL_TLS",
                "\"brokers\":\""
                    + tls
                    + "\",\"authentication\":\"MUTUAL_TLS\",\"caCertificate\":\""
                    + pem
                    + "\",\"credentials\":{\"certificate\":\""
                    + kafka.tls().clientCertificatePem().replace("\n", "\\n")
                    + "\",\"privateKey\":\""
                    + kafka.tls().clientKeyPem().replace("\n", "\\n")
                    + "\"}");
    for (Map.Entry<String, String> s : sources.entrySet()) {
      String body =
          "{\"name\":\""
              + s.getKey()
              + "\",\"source\":{\"kafka\":{\"type\":\"kafka\",\"topics\":\"secure\","
              + s.getValue()
              + "}},\"destination\":{\"table\":\"secure\",\"columns\":[{\"name\":\"id\",\"type\":\"UInt64\"}]},"
              + "\"settings\":{\"streaming_max_insert_wait_ms\":500}}";
      ApiClient.Response r = chplane.api().post(pipes(), body);
      assertThat(r.status()).as(s.getKey() + ": " + r.body()).isEqualTo(200);
      assertThat(r.body().toString()).doesNotContain("secret").doesNotContain("PRIVATE KEY");
      awaitPipe(r.result().get("id").asText(), "Running");
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> sql("SELECT count() FROM default.secure").equals("40"));

    // a key that does not belong to the client certificate
    String otherKey =
        "-----BEGIN PRIVATE KEY-----\n"
            + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(
                    java.security.KeyPairGenerator.getInstance("RSA")
                        .generateKeyPair()
                        .getPrivate()
                        .getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    Map<String, String> wrongSources =
        Map.of(
            "wrong-plain",
                "\"brokers\":\""
                    + sasl
                    + "\",\"authentication\":\"PLAIN\",\"credentials\":{\"username\":\""
                    + KafkaBroker.PLAIN_USER
                    + "\",\"password\":\"nope\"}",
            "wrong-512",
                "\"brokers\":\""
                    + sasl
                    + "\",\"authentication\":\"SCRAM-SHA-512\",\"credentials\":{\"username\":\""
                    + KafkaBroker.SCRAM_512_USER
                    + "\",\"password\":\"nope\"}",
            "wrong-tls",
                "\"brokers\":\""
                    + tls
                    + "\",\"authentication\":\"MUTUAL_TLS\",\"caCertificate\":\""
                    + pem
                    + "\",\"credentials\":{\"certificate\":\""
                    + kafka.tls().clientCertificatePem().replace("\n", "\\n")
                    + "\",\"privateKey\":\""
                    + otherKey.replace("\n", "\\n")
                    + "\"}");
    for (Map.Entry<String, String> s : wrongSources.entrySet()) {
      String other =
          chplane
              .api()
              .post(
                  pipes(),
                  "{\"name\":\""
                      + s.getKey()
                      + "\",\"source\":{\"kafka\":{\"type\":\"kafka\","
                      + "\"topics\":\"secure\","
                      + s.getValue()
                      + "}},\"destination\":{\"table\":\"secure\"}}")
              .result()
              .get("id")
              .asText();
      JsonNode failedToo = awaitPipe(other, "Failed");
      assertThat(failedToo.get("failureReason").asText()).as(s.getKey()).isNotBlank();
      assertThat(failedToo.toString()).doesNotContain("nope");
    }
    String wrong =
        "{\"name\":\"wrong\",\"source\":{\"kafka\":{\"type\":\"kafka\",\"topics\":\"secure\",\"brokers\":\""
            + sasl
            + "\",\"authentication\":\"SCRAM-SHA-256\",\"credentials\":{\"username\":\""
            + KafkaBroker.SCRAM_256_USER
            + "\",\"password\":\"nope\"}}},\"destination\":{\"table\":\"secure\"}}";
    String id = chplane.api().post(pipes(), wrong).result().get("id").asText();
    JsonNode failed = awaitPipe(id, "Failed");
    assertThat(failed.toString()).doesNotContain("nope");
    assertThat(failed.get("failureReason").asText())
        .contains("Kafka refused the pipe's credentials");
    String log =
        chplane
            .api()
            .get("/v1/organizations/" + TestInstallation.ORG + "/activities")
            .result()
            .toString();
    assertThat(log)
        .contains("clickpipe " + id + " (wrong) failed: Kafka refused")
        .doesNotContain("nope");
  }

  @Test
  void offsetStrategiesChooseWhereANewGroupStarts() throws Exception {
    kafka.createTopic("offsets", 1);
    kafka.produce("offsets", messages(0, 5));
    sql("CREATE TABLE default.latest (id UInt64) ENGINE = MergeTree ORDER BY id");
    sql("CREATE TABLE default.since (id UInt64) ENGINE = MergeTree ORDER BY id");
    String latest =
        chplane
            .api()
            .post(
                pipes(),
                "{\"name\":\"latest\",\"source\":"
                    + kafkaSource("offsets", ",\"offset\":{\"strategy\":\"from_latest\"}")
                    + ",\"destination\":{\"table\":\"latest\"},"
                    + "\"settings\":{\"streaming_max_insert_wait_ms\":500}}")
            .result()
            .get("id")
            .asText();
    String since =
        chplane
            .api()
            .post(
                pipes(),
                "{\"name\":\"since\",\"source\":"
                    + kafkaSource(
                        "offsets",
                        ",\"offset\":{\"strategy\":\"from_timestamp\",\"timestamp\":\"2001-01-01 00:00\"}")
                    + ",\"destination\":"
                    + "{\"table\":\"since\"},\"settings\":{\"streaming_max_insert_wait_ms\":500}}")
            .result()
            .get("id")
            .asText();
    awaitPipe(latest, "Running");
    awaitPipe(since, "Running");
    kafka.produce("offsets", messages(5, 8));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> sql("SELECT count() FROM default.since").equals("8"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> sql("SELECT count() FROM default.latest").equals("3"));
    assertThat(sql("SELECT min(id) FROM default.latest")).isEqualTo("5");
    assertThat(
            chplane
                .api()
                .get(pipes() + "/" + since)
                .result()
                .at("/source/kafka/offset/timestamp")
                .asText())
        .isEqualTo("2001-01-01 00:00:00");
  }

  @Test
  void anUnreachableBrokerFailsThePipeAfterTheFailureWindowWithTheReason() throws Exception {
    sql("CREATE TABLE default.nowhere (id UInt64) ENGINE = MergeTree ORDER BY id");
    // TestInstallation sets a 20 s failure window; nothing listens on port 9
    String id =
        chplane
            .api()
            .post(
                pipes(),
                "{\"name\":\"nowhere\",\"source\":{\"kafka\":{\"type\":\"kafka\","
                    + "\"brokers\":\"127.0.0.1:9\",\"topics\":\"t\"}},\"destination\":{\"table\":\"nowhere\"}}")
            .result()
            .get("id")
            .asText();
    JsonNode failed = awaitPipe(id, "Failed");
    assertThat(failed.get("failureReason").asText())
        .contains("no partition")
        .contains("unreachable");
    assertThat(
            chplane
                .api()
                .patch(pipes() + "/" + id + "/state", "{\"command\":\"start\"}")
                .result()
                .get("state")
                .asText())
        .isEqualTo("Provisioning");
  }

  @Test
  void pipesNeedARunningService() {
    JsonNode other = chplane.createRunning("stopped for pipes", "[]");
    String id = other.at("/service/id").asText();
    chplane.api().patch(TestInstallation.service(id) + "/state", "{\"command\":\"stop\"}");
    chplane.awaitState(id, "stopped");
    ApiClient.Response r =
        chplane
            .api()
            .post(
                TestInstallation.service(id) + "/clickpipes",
                "{\"name\":\"x\",\"source\":"
                    + kafkaSource("orders", "")
                    + ",\"destination\":{\"table\":\"t\"}}");
    assertThat(r.status()).isEqualTo(424);
    assertThat(r.error()).contains("Current state: stopped");
  }
}
