package dev.chplane.domain;

import java.util.Locale;

/**
 * Observed state of a service, with the official wire names. Transitions chplane makes:
 *
 * <ul>
 *   <li>{@link #PROVISIONING}: a new service; becomes {@link #RUNNING} when its server answers
 *       queries, {@link #FAILED} when it cannot start, {@link #STOPPING} on a stop command.
 *   <li>{@link #STARTING}: a start of a stopped or failed service, or a restart of a server that
 *       exited; becomes {@link #RUNNING} or {@link #FAILED}, or {@link #STOPPING} on stop.
 *   <li>{@link #RUNNING}: becomes {@link #STOPPING} on stop or when idle scaling stops it, {@link
 *       #STARTING} when its process is found gone (within a second of its exit), {@link #DEGRADED}
 *       when its server has not answered chplane's readiness check several times in a row, or when
 *       one of several replicas exited (it is restarted while the others serve: {@link
 *       #PARTIALLY_RUNNING} while it catches up, then running again).
 *   <li>{@link #DEGRADED}: the server runs but does not answer chplane; it is left running and
 *       becomes {@link #RUNNING} once it answers, {@link #STARTING} when its process is found gone,
 *       {@link #STOPPING} on stop.
 *   <li>{@link #STOPPING}: becomes {@link #STOPPED} once the process has exited. With a desired
 *       state of running it is going idle ({@link Service#goingIdle()}): it becomes {@link #IDLE}
 *       once the process has exited, or {@link #AWAKING} on a connection or the awake command.
 *   <li>{@link #STOPPED}: becomes {@link #STARTING} on start, {@link #TERMINATING} on delete.
 *   <li>{@link #IDLE}: idle scaling stopped the server, which has exited; the data stays. Becomes
 *       {@link #AWAKING} on a connection or the awake command, {@link #STOPPING} on stop.
 *   <li>{@link #AWAKING}: the server starts again, once the one that went idle has exited; becomes
 *       {@link #RUNNING} when it answers queries, {@link #FAILED} when it cannot start, {@link
 *       #STOPPING} on stop.
 *   <li>{@link #FAILED}: chplane retries the start by itself with growing delays, staying failed
 *       meanwhile; becomes {@link #RUNNING} when a retry succeeds, {@link #STARTING} on a start
 *       (which tries at once), {@link #STOPPING} or {@link #STOPPED} on stop.
 *   <li>{@link #TERMINATING}: the service, its process and data are being removed; then it is gone.
 * </ul>
 *
 * <p>Where a service is up, which of {@link #RUNNING}, {@link #PARTIALLY_RUNNING} and {@link
 * #DEGRADED} it is comes from its replicas ({@link ServiceHealth#derive}): running when every
 * desired replica is ready, partially running when some are ready and the others starting, degraded
 * when some are ready and at least one failed (or, with one replica, when it stopped answering the
 * readiness check). With one replica partially running does not occur. {@link #servesQueries()} is
 * true for these three states.
 *
 * <p>The other constants are official values that later features use.
 */
public enum ServiceState {
  STARTING,
  STOPPING,
  TERMINATING,
  SOFTDELETING,
  AWAKING,
  PARTIALLY_RUNNING,
  PROVISIONING,
  RUNNING,
  STOPPED,
  TERMINATED,
  SOFTDELETED,
  DEGRADED,
  FAILED,
  IDLE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ServiceState fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /**
   * True for the states in which at least one replica answers queries: {@link #RUNNING}, {@link
   * #PARTIALLY_RUNNING} and {@link #DEGRADED} (a degraded service has a replica that failed, or,
   * with one replica, a server that stopped answering chplane's readiness check; work against it is
   * tried and may fail like against any server).
   */
  public boolean servesQueries() {
    return this == RUNNING || this == PARTIALLY_RUNNING || this == DEGRADED;
  }

  /** True while chplane is working toward another state. */
  public boolean isTransitional() {
    return switch (this) {
      case STARTING, STOPPING, TERMINATING, SOFTDELETING, AWAKING, PROVISIONING -> true;
      default -> false;
    };
  }
}
