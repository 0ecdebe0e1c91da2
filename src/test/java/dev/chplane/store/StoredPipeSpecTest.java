package dev.chplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.domain.KafkaSource;
import org.junit.jupiter.api.Test;

/**
 * The pipe spec's stored JSON keeps the shape pipes were stored with before sources became a sealed
 * type.
 */
class StoredPipeSpecTest {
  /** As commit 76bbf26 stored it (fixtures/76bbf26/postgresql/dump.sql). */
  private static final String STORED =
      "{\"name\":\"fixture-scram\",\"kafka\":{\"type\":\"kafka\",\"format\":\"JSONEachRow\","
          + "\"brokers\":\"127.0.0.1:9\",\"topics\":\"fixture-topic\",\"consumerGroup\":\"fixture-group\","
          + "\"authentication\":\"SCRAM-SHA-256\",\"offsetStrategy\":\"from_beginning\",\"offsetTimestamp\":null,"
          + "\"caCertificate\":null},\"destination\":{\"database\":\"fixture\",\"table\":\"from_kafka\",\"managedTable\":true,"
          + "\"tableDefinition\":{\"engineType\":\"MergeTree\",\"versionColumnId\":null,\"columnIds\":[],\"sortingKey\":[\"id\"],"
          + "\"partitionBy\":null,\"primaryKey\":null},\"columns\":[{\"name\":\"id\",\"type\":\"UInt64\"},{\"name\":\"message\","
          + "\"type\":\"String\"}]},\"fieldMappings\":[{\"sourceField\":\"text\",\"destinationField\":\"message\"}],"
          + "\"scaling\":{\"replicas\":1,\"replicaCpuMillicores\":125,\"replicaMemoryGb\":0.5},"
          + "\"settings\":{\"streaming_max_insert_wait_ms\":1500}}";

  private final SpecCodec codec = new SpecCodec();

  @Test
  void aStoredKafkaPipeReadsAsAKafkaSourceAndIsWrittenBackAsItWas() {
    var spec = codec.readPipe(STORED);
    assertThat(spec.source())
        .isEqualTo(
            new KafkaSource(
                "kafka",
                "JSONEachRow",
                "127.0.0.1:9",
                "fixture-topic",
                "fixture-group",
                "SCRAM-SHA-256",
                "from_beginning",
                null,
                null));
    assertThat(codec.writePipe(spec)).isEqualTo(STORED);
  }
}
