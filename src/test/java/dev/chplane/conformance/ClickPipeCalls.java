package dev.chplane.conformance;

import static dev.chplane.conformance.KeyAndOrganizationCalls.MISSING;
import static dev.chplane.conformance.KeyAndOrganizationCalls.ORG_ID;
import static dev.chplane.conformance.KeyAndOrganizationCalls.OTHER_ORG;
import static dev.chplane.conformance.Operation.SERVICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

/**
 * ClickPipe operations, each answered with 200 and with an error. The pipes point at a port where
 * no broker listens: the responses' shape, not delivery, is what is checked here (KafkaPipeIT
 * checks delivery against a real broker).
 */
final class ClickPipeCalls {
  static final String PIPES = SERVICE + "/clickpipes";
  static final String PIPE = PIPES + "/{clickPipeId}";
  static final Operation LIST = Operation.get(PIPES);
  static final Operation CREATE = Operation.post(PIPES);
  static final Operation GET = Operation.get(PIPE);
  static final Operation PATCH = Operation.patch(PIPE);
  static final Operation DELETE = Operation.delete(PIPE);
  static final Operation SCALING = Operation.patch(PIPE + "/scaling");
  static final Operation STATE = Operation.patch(PIPE + "/state");
  static final Operation SETTINGS = Operation.get(PIPE + "/settings");
  static final Operation PUT_SETTINGS = new Operation("put", PIPE + "/settings");

  /** A pipe into {@code default.fuzz_events (id UInt64, note String)}, which the caller creates. */
  static final String BODY =
      "{\"name\":\"fuzz-pipe\",\"source\":{\"kafka\":{\"type\":\"kafka\",\"format\":\"JSONEachRow\","
          + "\"brokers\":\"127.0.0.1:9\",\"topics\":\"events\",\"offset\":{\"strategy\":\"from_beginning\"}}},"
          + "\"destination\":{\"database\":\"default\",\"table\":\"fuzz_events\",\"managedTable\":false,"
          + "\"columns\":[{\"name\":\"id\",\"type\":\"UInt64\"},{\"name\":\"note\",\"type\":\"String\"}]},"
          + "\"fieldMappings\":[{\"sourceField\":\"text\",\"destinationField\":\"note\"}],"
          + "\"scaling\":{\"replicas\":1,\"replicaCpuMillicores\":125,\"replicaMemoryGb\":0.5},"
          + "\"settings\":{\"streaming_max_insert_wait_ms\":1000}}";

  private ClickPipeCalls() {}

  static String table() {
    return "CREATE TABLE default.fuzz_events (id UInt64, note String) ENGINE = MergeTree ORDER BY id";
  }

  /** Creates a pipe and stops it, so that nothing changes it while a test compares reads. */
  static String stoppedPipe(CheckedApi api, String service) {
    String pipe = api.expect(200, CREATE, BODY, ORG_ID, service).result().get("id").asText();
    api.expect(200, STATE, "{\"command\":\"stop\"}", ORG_ID, service, pipe);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                api.expect(200, GET, null, ORG_ID, service, pipe)
                    .result()
                    .get("state")
                    .asText()
                    .equals("Stopped"));
    return pipe;
  }

  static void pipes(CheckedApi api, String service, TableMaker tables) {
    tables.make(table());
    String managed =
        api.expect(
                200,
                CREATE,
                BODY.replace(
                    "\"table\":\"fuzz_events\",\"managedTable\":false",
                    "\"table\":\"managed_events\",\"managedTable\":true,\"tableDefinition\":{\"engine\":{\"type\":\"ReplacingMergeTree\","
                        + "\"versionColumnId\":\"id\"},\"sortingKey\":[\"id\"],\"partitionBy\":\"tuple()\"}"),
                ORG_ID,
                service)
            .result()
            .get("id")
            .asText();
    String pipe = stoppedPipe(api, service);
    api.expect(400, CREATE, BODY.replace("\"brokers\":\"127.0.0.1:9\",", ""), ORG_ID, service);
    api.expect(404, CREATE, BODY, ORG_ID, MISSING);
    api.expect(403, CREATE, BODY, OTHER_ORG, service);

    assertThat(api.expect(200, LIST, null, ORG_ID, service).result())
        .hasSizeGreaterThanOrEqualTo(2);
    api.expect(404, LIST, null, ORG_ID, MISSING);
    api.expect(200, GET, null, ORG_ID, service, pipe);
    api.expect(404, GET, null, ORG_ID, service, MISSING);
    api.expect(
        200,
        PATCH,
        "{\"name\":\"renamed pipe\",\"fieldMappings\":[],\"settings\":{\"streaming_max_insert_wait_ms\":2000}}",
        ORG_ID,
        service,
        pipe);
    api.expect(400, PATCH, "{\"name\":\"\"}", ORG_ID, service, pipe);
    api.expect(
        200,
        SCALING,
        "{\"replicas\":2,\"replicaCpuMillicores\":250,\"replicaMemoryGb\":1}",
        ORG_ID,
        service,
        pipe);
    api.expect(400, SCALING, "{\"replicas\":0}", ORG_ID, service, pipe);
    api.expect(200, STATE, "{\"command\":\"stop\"}", ORG_ID, service, pipe);
    api.expect(400, STATE, "{\"command\":\"resync\"}", ORG_ID, service, pipe);
    api.expect(200, SETTINGS, null, ORG_ID, service, pipe);
    api.expect(404, SETTINGS, null, ORG_ID, service, MISSING);
    api.expect(
        200,
        PUT_SETTINGS,
        "{\"streaming_max_insert_wait_ms\":800,\"clickhouse_max_threads\":2}",
        ORG_ID,
        service,
        pipe);
    api.expect(400, PUT_SETTINGS, "{\"streaming_max_insert_wait_ms\":1}", ORG_ID, service, pipe);
    api.expect(200, DELETE, null, ORG_ID, service, managed);
    api.expect(404, DELETE, null, ORG_ID, service, managed);
  }

  /** Runs a CREATE TABLE on the service. */
  interface TableMaker {
    void make(String sql);
  }
}
