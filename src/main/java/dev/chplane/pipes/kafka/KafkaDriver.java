package dev.chplane.pipes.kafka;

import dev.chplane.domain.KafkaCredentials;
import dev.chplane.domain.KafkaSource;
import dev.chplane.domain.PipeSource;
import dev.chplane.pipes.PipeSourceDriver;
import dev.chplane.pipes.SourceContext;
import dev.chplane.pipes.SourceTask;
import java.util.ArrayList;
import java.util.List;

/**
 * Kafka sources: {@code scaling.replicas} consumers in one consumer group, which keeps the pipe's
 * offsets (chplane stores none).
 */
public final class KafkaDriver implements PipeSourceDriver {

  @Override
  public boolean reads(PipeSource source) {
    return source instanceof KafkaSource;
  }

  @Override
  public List<SourceTask<?>> tasks(SourceContext context) {
    KafkaSource source = (KafkaSource) context.pipe().spec().source();
    KafkaCredentials credentials = (KafkaCredentials) context.credentials();
    List<SourceTask<?>> tasks = new ArrayList<>();
    for (int i = 0; i < context.pipe().spec().scaling().replicas(); i++) {
      tasks.add(
          new KafkaTask(
              source, KafkaSettings.consumer(context.pipe().id(), i, source, credentials)));
    }
    return tasks;
  }
}
