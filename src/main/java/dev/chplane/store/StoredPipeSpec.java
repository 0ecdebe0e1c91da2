package dev.chplane.store;

import dev.chplane.domain.KafkaSource;
import dev.chplane.domain.PipeSpec;
import java.util.List;
import java.util.Map;

/**
 * The stored JSON of a pipe's spec ({@code clickpipes.spec}), whose names are pinned here rather
 * than taken from the domain record: the source is stored under its kind ({@code "kafka": {...}},
 * as every pipe stored so far has it), one field per kind, the others absent.
 */
record StoredPipeSpec(String name, StoredKafkaSource kafka, PipeSpec.Destination destination,
    List<PipeSpec.FieldMapping> fieldMappings, PipeSpec.PipeScaling scaling, Map<String, Object> settings) {

  /** {@code spec.kafka}: the fields of {@link KafkaSource}, in this order. */
  record StoredKafkaSource(String type, String format, String brokers, String topics, String consumerGroup,
      String authentication, String offsetStrategy, String offsetTimestamp, String caCertificate) {}

  static StoredPipeSpec of(PipeSpec spec) {
    StoredKafkaSource kafka = null;
    if (spec.source() instanceof KafkaSource k) {
      kafka = new StoredKafkaSource(k.type(), k.format(), k.brokers(), k.topics(), k.consumerGroup(),
          k.authentication(), k.offsetStrategy(), k.offsetTimestamp(), k.caCertificate());
    } else {
      throw new IllegalArgumentException("no stored form for a " + spec.source().kind() + " source yet");
    }
    return new StoredPipeSpec(spec.name(), kafka, spec.destination(), spec.fieldMappings(), spec.scaling(),
        spec.settings());
  }

  PipeSpec toDomain() {
    if (kafka == null) {
      throw new StoreException("stored pipe spec of '" + name + "' has no source", null);
    }
    KafkaSource source = new KafkaSource(kafka.type(), kafka.format(), kafka.brokers(), kafka.topics(),
        kafka.consumerGroup(), kafka.authentication(), kafka.offsetStrategy(), kafka.offsetTimestamp(),
        kafka.caCertificate());
    return new PipeSpec(name, source, destination, fieldMappings, scaling, settings);
  }
}
