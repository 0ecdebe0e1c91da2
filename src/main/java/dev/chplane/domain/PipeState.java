package dev.chplane.domain;

/**
 * Observed state of a streaming ClickPipe, with the official (capitalised) wire names:
 *
 * <ul>
 *   <li>{@link #PROVISIONING}: created; becomes {@link #RUNNING} once its workers consume, or
 *       {@link #FAILED}.
 *   <li>{@link #RUNNING}: becomes {@link #STOPPING} on stop, {@link #FAILED} when its source or
 *       destination stays unreachable past the retry window.
 *   <li>{@link #STOPPING}: becomes {@link #STOPPED} when its workers have flushed and left.
 *   <li>{@link #STOPPED} and {@link #FAILED}: become {@link #PROVISIONING} on start.
 * </ul>
 */
public enum PipeState {
  PROVISIONING("Provisioning"),
  RUNNING("Running"),
  STOPPING("Stopping"),
  STOPPED("Stopped"),
  FAILED("Failed");

  private final String wire;

  PipeState(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}
