package dev.chplane.api;

import dev.chplane.domain.KafkaCredentials;
import dev.chplane.domain.KafkaSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a Kafka source ({@code source.kafka}, official {@code ClickPipeKafkaSource}) and its
 * credentials. Options that need a cloud account or a schema registry are refused with a 400 that
 * says why.
 */
final class KafkaSourceRequests {
  private static final Set<String> KAFKA_TYPES =
      Set.of(
          "kafka",
          "redpanda",
          "msk",
          "gcmk",
          "confluent",
          "warpstream",
          "azureeventhub",
          "dokafka");
  private static final Map<String, Set<String>> AUTH_BY_TYPE =
      Map.of(
          "kafka", Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "MUTUAL_TLS"),
          "msk", Set.of("SCRAM-SHA-512", "IAM_ROLE", "IAM_USER", "MUTUAL_TLS"),
          "gcmk", Set.of("PLAIN", "MUTUAL_TLS"),
          "confluent", Set.of("PLAIN", "MUTUAL_TLS"),
          "warpstream", Set.of("PLAIN"),
          "azureeventhub", Set.of("PLAIN"),
          "redpanda", Set.of("SCRAM-SHA-256", "SCRAM-SHA-512", "MUTUAL_TLS"),
          "dokafka", Set.of("SCRAM-SHA-256", "MUTUAL_TLS"));

  /** The fields of the official Kafka credentials object, whatever the authentication method. */
  static final List<String> CREDENTIAL_FIELDS =
      List.of(
          "username",
          "password",
          "accessKeyId",
          "secretKey",
          "connectionString",
          "certificate",
          "privateKey");

  private KafkaSourceRequests() {}

  /** Reads {@code source.kafka} of a create request. */
  static KafkaSource source(JsonBody k) {
    String type = k.oneOf("type", KAFKA_TYPES).orElse("kafka");
    String format =
        k.oneOf("format", Set.of("JSONEachRow", "Avro", "AvroConfluent", "Protobuf"))
            .orElse("JSONEachRow");
    if (!format.equals("JSONEachRow")) {
      throw k.bad(
          "format",
          "'"
              + format
              + "' needs a schema registry, which this installation cannot run yet; use JSONEachRow");
    }
    String brokers =
        k.string("brokers", 1, 4096)
            .orElseThrow(() -> k.bad("brokers", "is required (host:port, comma separated)"));
    KafkaSource.brokersProblem(brokers)
        .ifPresent(
            problem -> {
              throw k.bad("brokers", problem);
            });
    String topics =
        k.string("topics", 1, 4096)
            .orElseThrow(() -> k.bad("topics", "is required (comma separated)"));
    KafkaSource.topicsProblem(topics)
        .ifPresent(
            problem -> {
              throw k.bad("topics", problem);
            });
    String group = k.text("consumerGroup", 1, 255).orElse(null);
    k.string("iamRole");
    String auth =
        k.oneOf(
                "authentication",
                Set.of(
                    "PLAIN",
                    "SCRAM-SHA-256",
                    "SCRAM-SHA-512",
                    "IAM_ROLE",
                    "IAM_USER",
                    "MUTUAL_TLS"))
            .orElse(null);
    if ("IAM_ROLE".equals(auth) || "IAM_USER".equals(auth)) {
      throw k.bad(
          "authentication",
          auth
              + " needs an AWS account and MSK; it is not available on a self-hosted installation");
    }
    if (auth != null && !AUTH_BY_TYPE.get(type).contains(auth)) {
      throw k.bad(
          "authentication",
          auth
              + " is not supported for type "
              + type
              + " (supported: "
              + String.join(", ", AUTH_BY_TYPE.get(type).stream().sorted().toList())
              + ")");
    }
    if (auth == null && !Set.of("kafka", "redpanda").contains(type)) {
      throw k.bad("authentication", "is required for type " + type);
    }
    // no offset sent: none is echoed, and the pipe starts from the beginning
    String strategy = null;
    String timestamp = null;
    Optional<JsonBody> offset = k.object("offset");
    if (offset.isPresent()) {
      strategy =
          offset
              .get()
              .oneOf("strategy", Set.of("from_beginning", "from_latest", "from_timestamp"))
              .orElse("from_beginning");
      timestamp = offset.get().string("timestamp").orElse(null);
      if (strategy.equals("from_timestamp")) {
        if (timestamp == null
            || !timestamp.matches("\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(:\\d{2})?Z?")) {
          throw offset
              .get()
              .bad("timestamp", "from_timestamp needs a UTC timestamp such as 2026-01-31 12:00");
        }
        if (timestamp.length() <= 17) {
          timestamp = timestamp.replaceAll("Z$", "") + ":00";
        }
      }
    }
    if (k.has("schemaRegistry")) {
      throw k.bad("schemaRegistry", "schema registries are not available on this installation yet");
    }
    if (k.bool("exactlyOnce").orElse(false)) {
      throw k.bad(
          "exactlyOnce", "exactly-once delivery is not offered yet: pipes deliver at least once");
    }
    if (k.strings("reversePrivateEndpointIds", 100).map(l -> !l.isEmpty()).orElse(false)) {
      throw k.bad("reversePrivateEndpointIds", "private endpoints are cloud network resources");
    }
    String ca = k.string("caCertificate").filter(s -> !s.isBlank()).orElse(null);
    if (ca != null && !ca.contains("-----BEGIN CERTIFICATE-----")) {
      throw k.bad("caCertificate", "must be PEM (-----BEGIN CERTIFICATE-----)");
    }
    return new KafkaSource(type, format, brokers, topics, group, auth, strategy, timestamp, ca);
  }

  /** Reads {@code source.kafka.credentials} of a create request for the authentication method. */
  static KafkaCredentials credentials(JsonBody k, String auth) {
    // checked even where unused (no authentication), like every documented field
    Optional<JsonBody> sent = k.object("credentials");
    if (auth == null) {
      return KafkaCredentials.NONE;
    }
    JsonBody c = sent.orElseThrow(() -> k.bad("credentials", "are required for " + auth));
    // every documented field is checked, also those of other methods (which are not used)
    for (String field : CREDENTIAL_FIELDS) {
      c.string(field);
    }
    if (auth.equals("MUTUAL_TLS")) {
      String cert =
          c.string("certificate")
              .orElseThrow(() -> c.bad("certificate", "is required for MUTUAL_TLS"));
      String key =
          c.string("privateKey")
              .orElseThrow(() -> c.bad("privateKey", "is required for MUTUAL_TLS"));
      if (!cert.contains("-----BEGIN CERTIFICATE-----")) {
        throw c.bad("certificate", "must be PEM (-----BEGIN CERTIFICATE-----)");
      }
      if (!key.contains("-----BEGIN PRIVATE KEY-----")) {
        throw c.bad(
            "privateKey", "must be an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)");
      }
      return new KafkaCredentials(null, null, cert, key);
    }
    String user =
        c.string("username", 1, 1024)
            .orElseThrow(() -> c.bad("username", "is required for " + auth));
    String password =
        c.string("password", 1, 4096)
            .orElseThrow(() -> c.bad("password", "is required for " + auth));
    return new KafkaCredentials(user, password, null, null);
  }
}
