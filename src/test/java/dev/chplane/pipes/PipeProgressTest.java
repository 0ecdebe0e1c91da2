package dev.chplane.pipes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PipeProgressTest {
  private static final long SECOND = 1_000_000_000L;
  private final PipeProgress progress = new PipeProgress(Duration.ofMinutes(1));
  private final UUID pipe = UUID.fromString("00000000-0000-4000-8000-000000000007");

  private static PipeSupervisor.Counters counters(
      long fetched, long sent, long errors, double latency) {
    return new PipeSupervisor.Counters(fetched, fetched * 200, sent, sent * 200, errors, latency);
  }

  @Test
  void reportsWhatChangedOncePerIntervalAfterTheFirstLook() {
    assertThat(progress.due(pipe, "orders", counters(10, 10, 0, Double.NaN), 0)).isEmpty();
    assertThat(progress.due(pipe, "orders", counters(500, 400, 1, 0.5), 59 * SECOND)).isEmpty();
    assertThat(progress.due(pipe, "orders", counters(6010, 6010, 2, 1.25), 60 * SECOND))
        .hasValue(
            "pipe "
                + pipe
                + " (orders): 6000 messages read, 6000 rows inserted (100 rows/s), 2 errors in the last 60 s; 6010 rows in"
                + " total since chplane started; last batch latency 1.3 s");
    assertThat(progress.due(pipe, "orders", counters(6010, 6010, 2, 1.25), 90 * SECOND)).isEmpty();
    progress.forget(pipe);
    assertThat(progress.due(pipe, "orders", counters(6010, 6010, 2, 1.25), 200 * SECOND)).isEmpty();
  }
}
