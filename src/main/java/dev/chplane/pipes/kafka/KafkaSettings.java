package dev.chplane.pipes.kafka;

import dev.chplane.domain.KafkaCredentials;
import dev.chplane.domain.KafkaSource;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The Kafka consumer configuration of a pipe. Without {@code authentication} the broker is reached
 * in plaintext without SASL (common for self-hosted Kafka). SASL mechanisms use TLS when a CA
 * certificate is given or the source is a hosted service (Confluent, MSK, ...), plaintext SASL
 * otherwise; {@code MUTUAL_TLS} always uses TLS with the client certificate.
 */
final class KafkaSettings {
  private static final Set<String> SELF_HOSTABLE = Set.of("kafka", "redpanda");

  private KafkaSettings() {}

  static String consumerGroup(KafkaSource source, UUID pipeId) {
    return source.consumerGroup() != null ? source.consumerGroup() : "clickpipes-" + pipeId;
  }

  static Properties consumer(
      UUID pipeId, int worker, KafkaSource source, KafkaCredentials credentials) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, source.brokers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, consumerGroup(source, pipeId));
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "chplane-" + pipeId + "-" + worker);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
        "from_latest".equals(source.offsetStrategy()) ? "latest" : "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "20000");
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 << 20));
    // the default 1 MiB per partition takes several round trips to fill one 100,000-row batch
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 << 20));
    // a worker keeps its partitions while it retries an insert for up to the failure window
    p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Integer.toString(20 * 60 * 1000));
    String auth = source.authentication();
    if (auth == null) {
      p.put("security.protocol", "PLAINTEXT");
      return p;
    }
    boolean tls = source.caCertificate() != null || !SELF_HOSTABLE.contains(source.type());
    if (source.caCertificate() != null) {
      p.put("ssl.truststore.type", "PEM");
      p.put("ssl.truststore.certificates", source.caCertificate());
    }
    switch (auth) {
      case "PLAIN" ->
          sasl(
              p,
              tls,
              "PLAIN",
              "org.apache.kafka.common.security.plain.PlainLoginModule",
              credentials);
      case "SCRAM-SHA-256", "SCRAM-SHA-512" ->
          sasl(
              p, tls, auth, "org.apache.kafka.common.security.scram.ScramLoginModule", credentials);
      case "MUTUAL_TLS" -> {
        p.put("security.protocol", "SSL");
        p.put("ssl.keystore.type", "PEM");
        p.put("ssl.keystore.certificate.chain", credentials.certificate());
        p.put("ssl.keystore.key", credentials.privateKey());
      }
      default ->
          throw new IllegalArgumentException("authentication " + auth + " is not supported here");
    }
    return p;
  }

  private static void sasl(
      Properties p, boolean tls, String mechanism, String module, KafkaCredentials c) {
    p.put("security.protocol", tls ? "SASL_SSL" : "SASL_PLAINTEXT");
    p.put("sasl.mechanism", mechanism);
    p.put(
        "sasl.jaas.config",
        module
            + " required username=\""
            + jaas(c.username())
            + "\" password=\""
            + jaas(c.password())
            + "\";");
  }

  private static String jaas(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
