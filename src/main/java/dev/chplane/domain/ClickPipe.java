package dev.chplane.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * A ClickPipe: what its user asked ({@link #spec}, {@link #desiredState}) and what chplane observed
 * ({@link #state}, {@link #failureReason}). {@link #version} makes stored writes compare-and-set.
 */
public record ClickPipe(
    UUID id,
    UUID organizationId,
    UUID serviceId,
    PipeSpec spec,
    String encryptedCredentials,
    PipeState state,
    DesiredState desiredState,
    String failureReason,
    Instant createdAt,
    Instant updatedAt,
    long version) {

  public ClickPipe withSpec(PipeSpec value, Instant at) {
    return new ClickPipe(
        id,
        organizationId,
        serviceId,
        value,
        encryptedCredentials,
        state,
        desiredState,
        failureReason,
        createdAt,
        at,
        version);
  }

  public ClickPipe withState(PipeState value, String reason) {
    return new ClickPipe(
        id,
        organizationId,
        serviceId,
        spec,
        encryptedCredentials,
        value,
        desiredState,
        reason,
        createdAt,
        updatedAt,
        version);
  }

  public ClickPipe withDesiredState(DesiredState value) {
    return new ClickPipe(
        id,
        organizationId,
        serviceId,
        spec,
        encryptedCredentials,
        state,
        value,
        failureReason,
        createdAt,
        updatedAt,
        version);
  }

  public ClickPipe withCredentials(String value, Instant at) {
    return new ClickPipe(
        id,
        organizationId,
        serviceId,
        spec,
        value,
        state,
        desiredState,
        failureReason,
        createdAt,
        at,
        version);
  }

  public ClickPipe withVersion(long value) {
    return new ClickPipe(
        id,
        organizationId,
        serviceId,
        spec,
        encryptedCredentials,
        state,
        desiredState,
        failureReason,
        createdAt,
        updatedAt,
        value);
  }
}
