package dev.chplane.pipes;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a {@link StagedShelfTask} stops dead, as a crash would (nothing after that point runs): at
 * one step of the {@code n}-th delivery it makes.
 */
final class CrashPlan {
  /** The steps of the staged commit protocol after which a crash may happen. */
  enum Step {
    /**
     * The batch's rows (and the partitions they join) are in the staging table; nothing is
     * recorded.
     */
    STAGED,
    /** The position and the pending stage are recorded; the destination has not changed. */
    RECORDED,
    /** Some of the staged partitions replaced the destination's; the stage is still pending. */
    HALF_REPLACED,
    /** Every staged partition is in the destination; the stage is still pending. */
    REPLACED
  }

  static final CrashPlan NEVER = new CrashPlan(null, 0);

  /**
   * Stands for the process dying: thrown through the engine, which then does nothing more for the
   * pipe.
   */
  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(Step step) {
      super("simulated crash after " + step);
    }
  }

  private final Step step;
  private final int delivery;
  private final AtomicInteger deliveries = new AtomicInteger();

  CrashPlan(Step step, int delivery) {
    this.step = step;
    this.delivery = delivery;
  }

  void delivering() {
    deliveries.incrementAndGet();
  }

  void after(Step reached) {
    if (reached == step && deliveries.get() == delivery) {
      throw new SimulatedCrash(reached);
    }
  }
}
