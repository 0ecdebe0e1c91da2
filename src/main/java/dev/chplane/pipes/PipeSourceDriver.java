package dev.chplane.pipes;

import dev.chplane.domain.PipeSource;
import java.util.List;

/**
 * One kind of source for the shared pipe engine (Kafka; object storage, Kinesis, PostgreSQL next):
 * makes the {@link SourceTask}s that read a pipe's source. The engine runs each task on a worker
 * thread of its own and does the rest (batching, inserts, error table, metrics, states).
 */
public interface PipeSourceDriver {

  /** Whether this driver reads pipes with this source. */
  boolean reads(PipeSource source);

  /**
   * The tasks of a pipe (e.g. one per {@code scaling.replicas} for Kafka), made when its workers
   * start (after creation, a change, a start, or a restart of chplane).
   */
  List<SourceTask<?>> tasks(SourceContext context);
}
