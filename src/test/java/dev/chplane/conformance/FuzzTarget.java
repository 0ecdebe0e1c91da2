package dev.chplane.conformance;

import static dev.chplane.conformance.KeyAndOrganizationCalls.ORG_ID;
import static dev.chplane.conformance.KeyAndOrganizationCalls.sha256Base64;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/**
 * One operation that takes a body, as the fuzz test drives it: the path arguments, a valid body
 * that changes nothing on the fuzz installation's target service and key, the fields a valid body
 * must have, and the reads whose results a rejected request must leave unchanged.
 */
record FuzzTarget(
    Operation op,
    List<String> pathArgs,
    ObjectNode valid,
    Set<String> required,
    List<Watch> watches) {
  static final String PASSWORD = "fuzz-password-0123";

  /** A read to compare before and after a rejected request. */
  record Watch(Operation op, List<String> args) {}

  /**
   * The service every fuzzed service operation targets: the valid bodies below restate its
   * settings.
   */
  static final String SERVICE_BODY =
      "{\"name\":\"fuzz-target\",\"provider\":\"aws\",\"region\":\"us-east-1\","
          + "\"ipAccessList\":[{\"source\":\"127.0.0.1\",\"description\":\"loopback\"}],\"releaseChannel\":\"default\","
          + "\"enableCoreDumps\":false,\"tags\":[{\"key\":\"env\",\"value\":\"fuzz\"}],\"numReplicas\":1,"
          + "\"minReplicaMemoryGb\":8,\"maxReplicaMemoryGb\":16,\"idleScaling\":false,\"idleTimeoutMinutes\":5,"
          + "\"minTotalMemoryGb\":24,\"maxTotalMemoryGb\":48}";

  static final String KEY_BODY =
      "{\"name\":\"fuzz-target\",\"roles\":[\"developer\"],\"state\":\"enabled\","
          + "\"expireAt\":\"2099-01-01T00:00:00Z\",\"ipAccessList\":[{\"source\":\"127.0.0.1\",\"description\":\"d\"}]}";

  static List<FuzzTarget> all(String service, String key, String pipe) {
    Watch org = new Watch(Operation.get(Operation.ORG), List.of(ORG_ID));
    Watch keys = new Watch(Operation.get(Operation.KEYS), List.of(ORG_ID));
    Watch oneKey = new Watch(Operation.get(Operation.KEY), List.of(ORG_ID, key));
    Watch services = new Watch(ServiceCalls.LIST, List.of(ORG_ID));
    Watch oneService = new Watch(ServiceCalls.GET, List.of(ORG_ID, service));
    Watch backups = new Watch(ServiceCalls.BACKUP_CONFIGURATION, List.of(ORG_ID, service));
    Watch pipes = new Watch(ClickPipeCalls.LIST, List.of(ORG_ID, service));
    Watch onePipe = new Watch(ClickPipeCalls.GET, List.of(ORG_ID, service, pipe));
    Watch queryEndpoint = new Watch(ServiceCalls.QUERY_ENDPOINT, List.of(ORG_ID, service));
    List<String> onPipe = List.of(ORG_ID, service, pipe);
    List<String> inOrg = List.of(ORG_ID);
    List<String> onService = List.of(ORG_ID, service);
    Set<String> ipSource = Set.of("/ipAccessList/*/source");
    return List.of(
        new FuzzTarget(
            Operation.patch(Operation.ORG),
            inOrg,
            json(
                "{\"name\":\"fuzz org\",\"enableCoreDumps\":false,"
                    + "\"privateEndpoints\":{\"remove\":[{\"id\":\"pe-1\",\"cloudProvider\":\"aws\",\"region\":\"us-east-1\"}]}}"),
            Set.of(),
            List.of(org)),
        new FuzzTarget(
            Operation.post(Operation.KEYS),
            inOrg,
            json(KEY_BODY),
            Set.of("/name", "/roles", "/ipAccessList/*/source"),
            List.of(keys)),
        new FuzzTarget(
            Operation.patch(Operation.KEY),
            List.of(ORG_ID, key),
            json(KEY_BODY),
            ipSource,
            List.of(oneKey)),
        new FuzzTarget(
            ServiceCalls.CREATE,
            inOrg,
            json(
                SERVICE_BODY
                    .replace("fuzz-target", "fuzz-created")
                    .replaceFirst(
                        "}$",
                        ",\"endpoints\":[{\"protocol\":\"mysql\",\"enabled\":false}],\"isReadonly\":false}")),
            Set.of(
                "/name",
                "/provider",
                "/region",
                "/ipAccessList/*/source",
                "/tags/*/key",
                "/endpoints/*/protocol",
                "/endpoints/*/enabled"),
            List.of(services)),
        new FuzzTarget(
            ServiceCalls.PATCH,
            onService,
            json(
                "{\"name\":\"fuzz-target\",\"ipAccessList\":{\"remove\":"
                    + "[{\"source\":\"10.1.1.1\"}],\"add\":[{\"source\":\"127.0.0.1\",\"description\":\"loopback\"}]},"
                    + "\"releaseChannel\":\"default\",\"endpoints\":[{\"protocol\":\"mysql\",\"enabled\":false}],"
                    + "\"tags\":{\"remove\":[{\"key\":\"gone\"}],\"add\":[{\"key\":\"env\",\"value\":\"fuzz\"}]},"
                    + "\"enableCoreDumps\":false,\"privateEndpointIds\":{\"remove\":[\"pe-1\"]}}"),
            Set.of(
                "/ipAccessList/add/*/source",
                "/ipAccessList/remove/*/source",
                "/tags/add/*/key",
                "/tags/remove/*/key",
                "/endpoints/*/protocol",
                "/endpoints/*/enabled"),
            List.of(oneService)),
        new FuzzTarget(
            ServiceCalls.STATE,
            onService,
            json("{\"command\":\"awake\"}"),
            Set.of("/command"),
            List.of(oneService)),
        new FuzzTarget(
            ServiceCalls.SCALING,
            onService,
            json(
                "{\"minTotalMemoryGb\":24,\"maxTotalMemoryGb\":48,"
                    + "\"numReplicas\":1,\"idleScaling\":false,\"idleTimeoutMinutes\":5}"),
            Set.of(),
            List.of(oneService)),
        new FuzzTarget(
            ServiceCalls.REPLICA_SCALING,
            onService,
            json(
                "{\"autoscalingMode\":\"vertical\","
                    + "\"minReplicaMemoryGb\":8,\"maxReplicaMemoryGb\":16,\"numReplicas\":1,\"idleScaling\":false,"
                    + "\"idleTimeoutMinutes\":5}"),
            Set.of(),
            List.of(oneService)),
        new FuzzTarget(
            ServiceCalls.PASSWORD, onService, json(passwordBody()), Set.of(), List.of(oneService)),
        new FuzzTarget(
            ServiceCalls.PATCH_BACKUP_CONFIGURATION,
            onService,
            json(
                "{\"backupPeriodInHours\":24,"
                    + "\"backupRetentionPeriodInHours\":48,\"backupStartTime\":\"03:30\"}"),
            Set.of(),
            List.of(backups, oneService)),
        new FuzzTarget(
            ServiceCalls.UPSERT_QUERY_ENDPOINT,
            onService,
            json(queryEndpointBody(key)),
            Set.of("/roles", "/openApiKeys"),
            List.of(queryEndpoint)),
        new FuzzTarget(
            ClickPipeCalls.CREATE,
            onService,
            json(ClickPipeCalls.BODY),
            Set.of(
                "/name",
                "/source",
                "/source/kafka",
                "/source/kafka/brokers",
                "/source/kafka/topics",
                "/destination",
                "/destination/table",
                "/destination/columns/*/name",
                "/destination/columns/*/type",
                "/fieldMappings/*/sourceField",
                "/fieldMappings/*/destinationField"),
            List.of(pipes)),
        new FuzzTarget(
            ClickPipeCalls.PATCH,
            onPipe,
            json(
                "{\"name\":\"fuzz-pipe\",\"fieldMappings\":"
                    + "[{\"sourceField\":\"text\",\"destinationField\":\"note\"}],\"settings\":{\"streaming_max_insert_wait_ms\":1000}}"),
            Set.of("/fieldMappings/*/sourceField", "/fieldMappings/*/destinationField"),
            List.of(onePipe)),
        new FuzzTarget(
            ClickPipeCalls.SCALING,
            onPipe,
            json("{\"replicas\":1,\"replicaCpuMillicores\":125," + "\"replicaMemoryGb\":0.5}"),
            Set.of(),
            List.of(onePipe)),
        new FuzzTarget(
            ClickPipeCalls.STATE,
            onPipe,
            json("{\"command\":\"stop\"}"),
            Set.of("/command"),
            List.of(onePipe)),
        new FuzzTarget(
            ClickPipeCalls.PUT_SETTINGS,
            onPipe,
            json("{\"streaming_max_insert_wait_ms\":1000}"),
            Set.of(),
            List.of(onePipe)));
  }

  /**
   * Valid bodies that reach the nested objects {@link #all} leaves out ({@code hashData}, a Kafka
   * source's credentials, offset and CA, a managed table's definition). The schema walk only breaks
   * them, one field at a time; they are never sent as they are.
   */
  static List<FuzzTarget> nested(String service, String key, String pipe) {
    List<String> onPipe = List.of(ORG_ID, service, pipe);
    String digest = sha256Base64("walk");
    return List.of(
        new FuzzTarget(
            Operation.post(Operation.KEYS),
            List.of(ORG_ID),
            json(
                "{\"name\":\"walk\",\"roles\":[\"developer\"],"
                    + "\"hashData\":{\"keyIdHash\":\""
                    + digest
                    + "\",\"keyIdSuffix\":\"walk\",\"keySecretHash\":\""
                    + digest
                    + "\"}}"),
            Set.of(),
            List.of(new Watch(Operation.get(Operation.KEYS), List.of(ORG_ID)))),
        new FuzzTarget(
            ClickPipeCalls.CREATE,
            List.of(ORG_ID, service),
            json(
                "{\"name\":\"walk\",\"source\":{"
                    + "\"validateSamples\":false,\"kafka\":{\"type\":\"kafka\",\"format\":\"JSONEachRow\",\"brokers\":\"127.0.0.1:9\","
                    + "\"topics\":\"events\",\"consumerGroup\":\"walk-group\",\"authentication\":\"PLAIN\","
                    + "\"credentials\":{\"username\":\"u\",\"password\":\"p\"},\"offset\":{\"strategy\":\"from_timestamp\","
                    + "\"timestamp\":\"2026-01-31 12:00\"},\"caCertificate\":\"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\","
                    + "\"exactlyOnce\":false,\"reversePrivateEndpointIds\":[]}},\"destination\":{\"database\":\"default\","
                    + "\"table\":\"walk_managed\",\"managedTable\":true,\"tableDefinition\":{\"engine\":{\"type\":\"ReplacingMergeTree\","
                    + "\"versionColumnId\":\"id\",\"columnIds\":[\"id\"]},\"sortingKey\":[\"id\"],\"partitionBy\":\"tuple()\","
                    + "\"primaryKey\":\"id\"},\"columns\":[{\"name\":\"id\",\"type\":\"UInt64\"}]},"
                    + "\"fieldMappings\":[{\"sourceField\":\"id\",\"destinationField\":\"id\"}],"
                    + "\"scaling\":{\"replicas\":1,\"concurrency\":1,\"replicaCpuMillicores\":125,\"replicaMemoryGb\":0.5},"
                    + "\"settings\":{\"streaming_max_insert_wait_ms\":1000,\"clickhouse_parallel_view_processing\":false}}"),
            Set.of(),
            List.of(new Watch(ClickPipeCalls.LIST, List.of(ORG_ID, service)))),
        new FuzzTarget(
            ClickPipeCalls.PATCH,
            onPipe,
            json(
                "{\"source\":{\"validateSamples\":false,\"kafka\":{"
                    + "\"iamRole\":\"r\",\"caCertificate\":\"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\","
                    + "\"reversePrivateEndpointIds\":[]}}}"),
            Set.of(),
            List.of(new Watch(ClickPipeCalls.GET, onPipe))));
  }

  /**
   * The query endpoint the fuzz installation's service has from the start; {@code key} is a key's
   * resource id.
   */
  static String queryEndpointBody(String key) {
    return "{\"roles\":[\"sql_console_read_only\"],\"openApiKeys\":[\""
        + key
        + "\"],"
        + "\"allowedOrigins\":\"https://app.example.com\"}";
  }

  /**
   * Sets {@link #PASSWORD}, the one the fuzz test checks still works after every rejected password
   * change.
   */
  static String passwordBody() {
    return "{\"newPasswordHash\":\""
        + sha256Base64(PASSWORD)
        + "\",\"newDoubleSha1Hash\":\""
        + "0".repeat(40)
        + "\"}";
  }

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
