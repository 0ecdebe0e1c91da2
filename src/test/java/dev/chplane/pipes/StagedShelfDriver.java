package dev.chplane.pipes;

import dev.chplane.domain.PipeSource;
import java.util.List;

/**
 * A test-only kind of source that proves the source SPI beyond Kafka: it reads files from a {@link
 * Shelf}, keeps its position in chplane's store and delivers exactly once through a staging table
 * ({@link StagedShelfTask}). It reads any pipe it is given (the test decides which).
 */
final class StagedShelfDriver implements PipeSourceDriver {
  private final Shelf shelf;
  private final CrashPlan crash;

  StagedShelfDriver(Shelf shelf, CrashPlan crash) {
    this.shelf = shelf;
    this.crash = crash;
  }

  @Override
  public boolean reads(PipeSource source) {
    return true;
  }

  @Override
  public List<SourceTask<?>> tasks(SourceContext context) {
    return List.of(new StagedShelfTask(context, shelf, crash));
  }
}
