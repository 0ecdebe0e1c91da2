package dev.chplane.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * One backup of a service. A backup is {@link BackupStatus#DONE} only once every part it needs is
 * durably in backup storage and its manifest is written; it then restores on its own, whatever
 * happens to the service. {@code chainId} is the id of the full backup its chain started with.
 * {@code sizeInBytes} counts the bytes this backup added to storage (parts stored by earlier
 * backups are referenced, not copied).
 */
public record Backup(
    UUID id,
    UUID organizationId,
    UUID serviceId,
    String serviceRegion,
    BackupStatus status,
    BackupType type,
    UUID chainId,
    Instant startedAt,
    Instant finishedAt,
    long sizeInBytes,
    String backupName,
    Instant expiresAt,
    String error) {

  public Backup finished(BackupStatus outcome, Instant at, long size, String reason) {
    return new Backup(
        id,
        organizationId,
        serviceId,
        serviceRegion,
        outcome,
        type,
        chainId,
        startedAt,
        at,
        size,
        backupName,
        expiresAt,
        reason);
  }

  public Backup expiringAt(Instant at) {
    return new Backup(
        id,
        organizationId,
        serviceId,
        serviceRegion,
        status,
        type,
        chainId,
        startedAt,
        finishedAt,
        sizeInBytes,
        backupName,
        at,
        error);
  }

  /** Whole seconds it took, or has taken so far while in progress. */
  public long durationSeconds(Instant now) {
    return Duration.between(startedAt, finishedAt != null ? finishedAt : now).toSeconds();
  }
}
