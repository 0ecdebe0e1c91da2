package dev.chplane.pipes.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KafkaBrokerIT {
  enum Client {
    PLAINTEXT,
    SASL_PLAIN,
    SCRAM_SHA_256,
    SCRAM_SHA_512,
    MUTUAL_TLS
  }

  private static KafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = new KafkaBroker();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Client.class)
  void producesAndConsumesThroughEachListener(Client client) throws Exception {
    String topic = "roundtrip-" + client.name().toLowerCase(Locale.ROOT);
    broker.createTopic(topic, 1);
    List<String> values = List.of(client + "-1", client + "-2", client + "-3");

    Map<String, Object> producerConfig = new HashMap<>(config(client));
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    try (var producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
      }
    }

    assertThat(consume(config(client), topic, values.size())).containsExactlyElementsOf(values);
  }

  @Test
  void brokerHelpersProduceToANewTopic() {
    broker.createTopic("helpers", 3);
    List<String> values = List.of("a", "b", "c", "d", "e", "f");
    broker.produce("helpers", values);

    assertThat(consume(KafkaClients.plaintext(broker), "helpers", values.size()))
        .containsExactlyInAnyOrderElementsOf(values);
  }

  @Test
  void saslRefusesAWrongPasswordForEachMechanism() {
    for (String mechanism : List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")) {
      String user =
          switch (mechanism) {
            case "PLAIN" -> KafkaBroker.PLAIN_USER;
            case "SCRAM-SHA-256" -> KafkaBroker.SCRAM_256_USER;
            default -> KafkaBroker.SCRAM_512_USER;
          };
      assertThat(connectionError(KafkaClients.sasl(broker, mechanism, user, "wrong-password")))
          .as(mechanism)
          .isInstanceOf(SaslAuthenticationException.class)
          .hasMessageContaining("Authentication failed");
    }
  }

  @Test
  void saslRefusesAScramUserOverPlain() {
    assertThat(
            connectionError(
                KafkaClients.sasl(
                    broker, "PLAIN", KafkaBroker.SCRAM_256_USER, KafkaBroker.SCRAM_256_PASSWORD)))
        .isInstanceOf(SaslAuthenticationException.class);
  }

  @Test
  void tlsRefusesAClientWithoutCertificate() {
    assertThat(connectionError(KafkaClients.tls(broker, false)))
        .isInstanceOf(SslAuthenticationException.class);
  }

  @Test
  void pemMaterialIsWrittenToFiles() throws Exception {
    KafkaTls tls = broker.tls();
    assertThat(Files.readString(tls.caCertificateFile()))
        .isEqualTo(tls.caCertificatePem())
        .startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(Files.readString(tls.clientCertificateFile())).isEqualTo(tls.clientCertificatePem());
    assertThat(Files.readString(tls.clientKeyFile()))
        .isEqualTo(tls.clientKeyPem())
        .startsWith("-----BEGIN PRIVATE KEY-----");
  }

  private static Map<String, Object> config(Client client) {
    return switch (client) {
      case PLAINTEXT -> KafkaClients.plaintext(broker);
      case SASL_PLAIN ->
          KafkaClients.sasl(broker, "PLAIN", KafkaBroker.PLAIN_USER, KafkaBroker.PLAIN_PASSWORD);
      case SCRAM_SHA_256 ->
          KafkaClients.sasl(
              broker, "SCRAM-SHA-256", KafkaBroker.SCRAM_256_USER, KafkaBroker.SCRAM_256_PASSWORD);
      case SCRAM_SHA_512 ->
          KafkaClients.sasl(
              broker, "SCRAM-SHA-512", KafkaBroker.SCRAM_512_USER, KafkaBroker.SCRAM_512_PASSWORD);
      case MUTUAL_TLS -> KafkaClients.tls(broker, true);
    };
  }

  private static List<String> consume(Map<String, Object> clientConfig, String topic, int count) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + topic);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> seen = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      // the consumer is not thread-safe, so Awaitility must poll it from this thread
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInSameThread()
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
                return seen.size() >= count;
              });
    }
    return seen;
  }

  /** What an admin call through these settings fails with (the cause, unwrapped). */
  private static Throwable connectionError(Map<String, Object> clientConfig) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
    try (Admin admin = Admin.create(config)) {
      Throwable failure =
          catchThrowable(() -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS));
      assertThat(failure).isInstanceOf(ExecutionException.class);
      return failure.getCause();
    }
  }
}
