package dev.chplane.reconcile;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** One reconcile pass for one service, as {@link ReconcileLoop} runs it. */
public interface Reconciler {

  /**
   * Runs one pass. Never called twice at once for the same service.
   *
   * @return when the service needs another pass without an event (a retry), or empty
   */
  Optional<Duration> reconcile(UUID serviceId);
}
