package dev.chplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chplane.domain.KafkaCredentials;
import dev.chplane.domain.KafkaSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Create requests are read by the kind of their source; the kinds not offered yet are refused as
 * before.
 */
class ClickPipeRequestsTest {
  private static final String DESTINATION =
      "\"destination\":{\"database\":\"default\",\"table\":\"t\"}";

  private static ClickPipeRequests.NewPipe create(String source) {
    return ClickPipeRequests.create(
        JsonBodyTest.body("{\"name\":\"p\",\"source\":" + source + "," + DESTINATION + "}"));
  }

  @Test
  void aKafkaSourceBecomesAKafkaSourceWithKafkaCredentials() {
    ClickPipeRequests.NewPipe pipe =
        create(
            "{\"kafka\":{\"brokers\":\"b:9092\",\"topics\":\"a, b\","
                + "\"authentication\":\"PLAIN\",\"credentials\":{\"username\":\"u\",\"password\":\"s\"}}}");
    assertThat(pipe.spec().source())
        .isEqualTo(
            new KafkaSource(
                "kafka", "JSONEachRow", "b:9092", "a, b", null, "PLAIN", null, null, null));
    assertThat(((KafkaSource) pipe.spec().source()).topicList()).containsExactly("a", "b");
    assertThat(pipe.credentials()).isEqualTo(new KafkaCredentials("u", "s", null, null));
  }

  @Test
  void aKafkaSourceWithoutAuthenticationHasNoCredentials() {
    assertThat(create("{\"kafka\":{\"brokers\":\"b:9092\",\"topics\":\"t\"}}").credentials().none())
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"objectStorage", "kinesis", "postgres"})
  void sourcesNotOfferedYetAreRefusedWithTheSameText(String kind) {
    assertThatThrownBy(() -> create("{\"" + kind + "\":{}}"))
        .isInstanceOf(ApiException.class)
        .hasMessage("source." + kind + ": this installation offers Kafka sources only so far");
  }

  @Test
  void aKafkaSourceChecksItsBrokersAndTopics() {
    assertThatThrownBy(() -> create("{\"kafka\":{\"brokers\":\"b\",\"topics\":\"t\"}}"))
        .hasMessage("source.kafka.brokers: 'b' is not host:port");
    assertThatThrownBy(() -> create("{\"kafka\":{\"brokers\":\"b:1\",\"topics\":\"t/1\"}}"))
        .hasMessage("source.kafka.topics: 't/1' is not a valid Kafka topic name");
  }
}
