package dev.chplane.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * A service with replicas as its user reaches it: every statement goes over a new HTTPS connection
 * through the edge (so connections spread over the replicas), and a replica is told apart only by
 * what it answers (its {@code replica} macro; 18.16 has no {@code getMacro}), never by its internal
 * ports.
 */
final class ReplicatedService {
  /** How long a service with replicas may take to start on a loaded test machine. */
  static final Duration START = Duration.ofSeconds(180);

  /** The DDL a user runs for a table that every replica holds (README: replicated tables). */
  static String replicatedTable(String table, String columns, String orderBy) {
    return "CREATE TABLE "
        + table
        + " ON CLUSTER default ("
        + columns
        + ") ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}',"
        + " '{replica}') ORDER BY "
        + orderBy;
  }

  /** The name of the replica that runs the query. */
  static final String REPLICA_NAME =
      "(SELECT substitution FROM system.macros WHERE macro = 'replica')";

  private final ApiClient api;
  private final Path ca;
  private final String id;
  private final String password;
  private final int httpsPort;

  ReplicatedService(ApiClient api, Path ca, JsonNode created) {
    this.api = api;
    this.ca = ca;
    this.id = created.at("/service/id").asText();
    this.password = created.get("password").asText();
    int found = 0;
    for (JsonNode e : created.at("/service/endpoints")) {
      if (e.get("protocol").asText().equals("https")) {
        found = e.get("port").asInt();
      }
    }
    this.httpsPort = found;
  }

  /**
   * Creates a service reachable from 127.0.0.1 with {@code replicas} replicas and {@code extra}
   * further spec fields (e.g. {@code "idleScaling":false}, or empty), without waiting for it.
   */
  static ReplicatedService create(ApiClient api, Path ca, String name, int replicas, String extra) {
    ApiClient.Response r =
        api.post(
            TestInstallation.services(),
            "{\"name\":\""
                + name
                + "\",\"provider\":\"aws\",\"region\":\"us-east-1\",\"numReplicas\":"
                + replicas
                + (extra.isEmpty() ? "" : "," + extra)
                + ",\"ipAccessList\":[{\"source\":\"127.0.0.1\",\"description\":\"\"}]}");
    if (r.status() != 200) {
      throw new AssertionError("create failed (" + r.status() + "): " + r.body());
    }
    return new ReplicatedService(api, ca, r.result());
  }

  String id() {
    return id;
  }

  JsonNode get() {
    return api.get(TestInstallation.service(id)).result();
  }

  String state() {
    return get().path("state").asText();
  }

  /** Waits (up to {@link #START}) until GET shows {@code state}, and returns that read. */
  JsonNode awaitState(String state) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(START)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              last[0] = get();
              return last[0] != null && state.equals(last[0].path("state").asText());
            });
    return last[0];
  }

  /**
   * Waits up to {@code within} (polling every 20 ms) until GET shows {@code state}; on failure
   * names the states it saw on the way.
   */
  void awaitStateWithin(String state, Duration within) {
    java.util.List<String> seen = new java.util.ArrayList<>();
    try {
      await()
          .atMost(within)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                String now = state();
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(now)) {
                  seen.add(now);
                }
                return now.equals(state);
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "GET did not show " + state + " within " + within + "; states seen: " + seen, e);
    }
  }

  /** PATCH …/replicaScaling {"numReplicas": n}; fails unless it is accepted. */
  JsonNode scaleTo(int replicas) {
    ApiClient.Response r =
        api.patch(
            TestInstallation.service(id) + "/replicaScaling", "{\"numReplicas\":" + replicas + "}");
    if (r.status() != 200) {
      throw new AssertionError(
          "scaling to " + replicas + " failed (" + r.status() + "): " + r.body());
    }
    return r.result();
  }

  /** PATCH …/state with {@code command} (start, stop, awake). */
  void command(String command) {
    api.patch(TestInstallation.service(id) + "/state", "{\"command\":\"" + command + "\"}");
  }

  /** Stops the service and deletes it, so that its servers no longer load the machine. */
  void delete() {
    command("stop");
    awaitState("stopped");
    api.delete(TestInstallation.service(id));
  }

  /** One statement on a new connection; a connection error is an answer with status 0. */
  ClickHouseClients.Answer query(String sql) {
    try {
      return ClickHouseClients.https(ca, httpsPort, password, sql);
    } catch (Exception e) {
      return new ClickHouseClients.Answer(0, e.toString());
    }
  }

  /** One statement on a new connection; fails unless it succeeds. */
  String sql(String sql) {
    ClickHouseClients.Answer a = query(sql);
    if (!a.ok()) {
      throw new AssertionError("query failed (" + a.status() + "): " + sql + ": " + a.body());
    }
    return a.body().strip();
  }

  /**
   * As a client that reconnects: a new connection per attempt until one answers, within {@code
   * within}.
   */
  String sqlRetrying(String sql, Duration within) {
    String[] answer = new String[1];
    ClickHouseClients.Answer[] last = new ClickHouseClients.Answer[1];
    try {
      await()
          .atMost(within)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                last[0] = query(sql);
                answer[0] = last[0].body().strip();
                return last[0].ok();
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "no answer within " + within + " to " + sql + "; last: " + last[0], e);
    }
    return answer[0];
  }

  /**
   * Asks {@code scalar} (a query of one value) over new connections until {@code replicas}
   * different replicas have answered (at most 200 connections); returns replica name → its last
   * answer.
   */
  Map<String, String> perReplica(String scalar, int replicas) {
    Map<String, String> answers = new TreeMap<>();
    for (int i = 0; i < 200 && answers.size() < replicas; i++) {
      String[] row = sql("SELECT " + REPLICA_NAME + ", (" + scalar + ") FORMAT TSV").split("\t", 2);
      answers.put(row[0], row[1]);
    }
    return answers;
  }

  /**
   * Waits until {@code replicas} different replicas answer {@code expected} to {@code scalar} (each
   * replica's latest answer counts), and returns replica name → answer.
   */
  Map<String, String> awaitOnEveryReplica(
      String scalar, int replicas, String expected, Duration within) {
    Map<String, String> answers = new TreeMap<>();
    try {
      await()
          .atMost(within)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                ClickHouseClients.Answer a =
                    query("SELECT " + REPLICA_NAME + ", (" + scalar + ") FORMAT TSV");
                if (a.ok()) {
                  String[] row = a.body().strip().split("\t", 2);
                  answers.put(row[0], row[1]);
                }
                return answers.size() >= replicas
                    && answers.values().stream().allMatch(expected::equals);
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "not every one of "
              + replicas
              + " replicas answered "
              + expected
              + " to "
              + scalar
              + " within "
              + within
              + "; answers per replica: "
              + answers,
          e);
    }
    return answers;
  }
}
