package dev.chplane.domain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Kafka source ({@code source.kafka}). {@code authentication} null means a plaintext broker
 * without SASL; {@code offsetStrategy} null means none was sent (the pipe starts from the
 * beginning, and none is echoed).
 */
public record KafkaSource(
    String type,
    String format,
    String brokers,
    String topics,
    String consumerGroup,
    String authentication,
    String offsetStrategy,
    String offsetTimestamp,
    String caCertificate)
    implements PipeSource {

  public KafkaSource {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(brokers, "brokers");
    Objects.requireNonNull(topics, "topics");
  }

  @Override
  public String kind() {
    return "kafka";
  }

  @Override
  public Class<KafkaCredentials> credentialsType() {
    return KafkaCredentials.class;
  }

  public List<String> topicList() {
    return List.of(topics.split("\\s*,\\s*"));
  }

  public KafkaSource withCaCertificate(String value) {
    return new KafkaSource(
        type,
        format,
        brokers,
        topics,
        consumerGroup,
        authentication,
        offsetStrategy,
        offsetTimestamp,
        value);
  }

  /** What is wrong with a comma-separated list of brokers, if anything: each must be host:port. */
  public static Optional<String> brokersProblem(String brokers) {
    for (String broker : brokers.split(",")) {
      if (!broker.trim().matches("[A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5}")) {
        return Optional.of("'" + broker.trim() + "' is not host:port");
      }
    }
    return Optional.empty();
  }

  /**
   * What is wrong with a comma-separated list of topics, if anything: each must be a valid Kafka
   * topic name.
   */
  public static Optional<String> topicsProblem(String topics) {
    for (String topic : topics.split(",")) {
      if (!topic.trim().matches("[A-Za-z0-9._\\-]{1,249}")) {
        return Optional.of("'" + topic.trim() + "' is not a valid Kafka topic name");
      }
    }
    return Optional.empty();
  }
}
