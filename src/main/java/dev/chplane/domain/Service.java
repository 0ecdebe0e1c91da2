package dev.chplane.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * A ClickHouse service: what the user asked ({@link #spec}, {@link #desiredState}) and what chplane
 * observed ({@link #state}, {@link #failureReason}, {@link #clickhouseVersion}). {@link #version}
 * increases with every stored change; the store refuses a write made from a stale copy.
 */
public record Service(
    UUID id,
    UUID organizationId,
    Instant createdAt,
    ServiceSpec spec,
    ServiceState state,
    DesiredState desiredState,
    String failureReason,
    String clickhouseVersion,
    Credentials credentials,
    ServicePorts ports,
    long version) {

  /**
   * Idle scaling is stopping the server: {@link ServiceState#STOPPING} while the user still wants
   * the service running. No command leads to this pair otherwise (a start turns a stopping service
   * into {@link ServiceState#STARTING}).
   */
  public boolean goingIdle() {
    return state == ServiceState.STOPPING && desiredState == DesiredState.RUNNING;
  }

  /**
   * Some replica answers queries: the state is one of {@link ServiceState#servesQueries()}, and not
   * {@code degraded} by chplane's readiness check (which gives the reason, and means that no
   * replica answered chplane several times in a row). Work that needs the service (pipes, backups,
   * the Query API, idle scaling) goes on in these states.
   */
  public boolean servesQueries() {
    return state.servesQueries() && !(state == ServiceState.DEGRADED && failureReason != null);
  }

  /** Idle or going idle: what a connection or the awake command wakes. */
  public boolean wakeable() {
    return state == ServiceState.IDLE || goingIdle();
  }

  /**
   * The warehouse this service belongs to: its primary's id ({@link ServiceSpec#dataWarehouseId})
   * for a secondary, its own id for a primary.
   */
  public UUID warehouseId() {
    return spec.dataWarehouseId() == null ? id : UUID.fromString(spec.dataWarehouseId());
  }

  /** The first service of its warehouse, the one secondaries name in {@code dataWarehouseId}. */
  public boolean isPrimary() {
    return spec.dataWarehouseId() == null;
  }

  public Service withSpec(ServiceSpec value) {
    return new Service(
        id,
        organizationId,
        createdAt,
        value,
        state,
        desiredState,
        failureReason,
        clickhouseVersion,
        credentials,
        ports,
        version);
  }

  /** The observed state; a null reason clears the last failure. */
  public Service withState(ServiceState value, String reason) {
    return new Service(
        id,
        organizationId,
        createdAt,
        spec,
        value,
        desiredState,
        reason,
        clickhouseVersion,
        credentials,
        ports,
        version);
  }

  public Service withDesiredState(DesiredState value) {
    return new Service(
        id,
        organizationId,
        createdAt,
        spec,
        state,
        value,
        failureReason,
        clickhouseVersion,
        credentials,
        ports,
        version);
  }

  public Service withClickhouseVersion(String value) {
    return new Service(
        id,
        organizationId,
        createdAt,
        spec,
        state,
        desiredState,
        failureReason,
        value,
        credentials,
        ports,
        version);
  }

  public Service withCredentials(Credentials value) {
    return new Service(
        id,
        organizationId,
        createdAt,
        spec,
        state,
        desiredState,
        failureReason,
        clickhouseVersion,
        value,
        ports,
        version);
  }

  public Service withPorts(ServicePorts value) {
    return new Service(
        id,
        organizationId,
        createdAt,
        spec,
        state,
        desiredState,
        failureReason,
        clickhouseVersion,
        credentials,
        value,
        version);
  }

  public Service withVersion(long value) {
    return new Service(
        id,
        organizationId,
        createdAt,
        spec,
        state,
        desiredState,
        failureReason,
        clickhouseVersion,
        credentials,
        ports,
        value);
  }
}
