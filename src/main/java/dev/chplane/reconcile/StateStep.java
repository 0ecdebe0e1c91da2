package dev.chplane.reconcile;

import dev.chplane.domain.Service;
import java.time.Duration;
import java.util.Optional;

/**
 * One step that moves a service's observed state toward its desired state. Idempotent: it looks at
 * what exists and does only what is missing, so a pass cut short anywhere is finished by the next.
 */
interface StateStep {

  /**
   * Runs the step for {@code s} as the store had it when the pass began.
   *
   * @return when the service needs its next pass (a retry after a failure), or empty if the next
   *     event or drift check is soon enough
   */
  Optional<Duration> run(Service s);
}
