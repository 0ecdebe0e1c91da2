package dev.chplane.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.domain.ActivityType;
import dev.chplane.domain.Actor;
import dev.chplane.domain.Backup;
import dev.chplane.domain.BackupStatus;
import dev.chplane.domain.BackupType;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.DomainException;
import dev.chplane.domain.Service;
import dev.chplane.json.JsonMappers;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.ServiceConnector;
import dev.chplane.store.MetadataStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup use cases: take one backup of a service (full or incremental, chosen by {@link
 * #FULL_EVERY}), restore one into a new service, expire old ones, and read them for the API. Every
 * backup taken, failed or skipped, every restore and every expiry writes an activity.
 */
public final class BackupService {
  /** A new chain starts with a full backup after this many backups in the current chain. */
  public static final int FULL_EVERY = 7;

  private static final Logger log = LoggerFactory.getLogger(BackupService.class);
  private static final String BEING_DELETED = "the service is being deleted";

  private final MetadataStore store;
  private final BackupStorage storage;
  private final ServiceConnector servers;
  private final BackupSchedule schedule;
  private final Clock clock;
  private final BackupRunner runner;
  private final BackupRestorer restorer;

  public BackupService(
      MetadataStore store,
      ServiceConnector servers,
      BackupStorage storage,
      BackupSchedule schedule,
      Clock clock) {
    this.store = store;
    this.storage = storage;
    this.servers = servers;
    this.schedule = schedule;
    this.clock = clock;
    ObjectMapper json = JsonMappers.strict();
    this.runner = new BackupRunner(servers, storage, json);
    this.restorer = new BackupRestorer(servers, storage, json);
  }

  public BackupSchedule schedule() {
    return schedule;
  }

  /**
   * Backups left in progress by a chain of events that stopped chplane can never finish: mark them
   * failed.
   */
  public void failInterrupted() {
    for (Backup b : store.listBackups(BackupStatus.IN_PROGRESS)) {
      finish(b, BackupStatus.ERROR, 0, "chplane stopped while this backup was running");
      servers.parts(b.serviceId()).releaseAllFreezes();
    }
  }

  /** Takes a backup of a running service now, and returns it as it ended. */
  public Backup take(Service service) {
    Backup backup = start(service);
    log.info("service {}: {} backup {} started", service.id(), backup.type().wire(), backup.id());
    try {
      BackupRunner.Result result = runner.run(service, backup);
      if (beingDeleted(service.id())) {
        throw new ProvisionException(BEING_DELETED);
      }
      Backup done = finish(backup, BackupStatus.DONE, result.addedBytes(), null);
      log.info(
          "service {}: backup {} done: {} bytes added in {} s",
          service.id(),
          backup.id(),
          result.addedBytes(),
          done.durationSeconds(clock.instant()));
      return done;
    } catch (ProvisionException | IOException | RuntimeException e) {
      String error = e.getMessage() == null ? e.toString() : e.getMessage();
      // deleting a stopped service removes its files, freezes included, under a backup still
      // copying
      // them: the deletion is why the backup failed, not the file it then missed
      String reason = beingDeleted(service.id()) ? BEING_DELETED : error;
      log.error(
          "service {}: backup {} failed: {}",
          service.id(),
          backup.id(),
          reason.equals(error) ? reason : reason + " (" + error + ")");
      return finish(backup, BackupStatus.ERROR, 0, reason);
    }
  }

  private boolean beingDeleted(UUID serviceId) {
    return store
        .findService(serviceId)
        .map(s -> s.desiredState() == DesiredState.DELETED)
        .orElse(true);
  }

  /** Records that a due backup was not taken (a stopped or idle service has nothing new). */
  public void skip(Service service, String why) {
    store.inTransaction(
        tx -> {
          tx.record(
              Actor.system("backup skipped: " + why)
                  .did(
                      ActivityType.SERVICE_MAINTENANCE_END,
                      service.organizationId(),
                      service.id()));
          return null;
        });
  }

  private Backup start(Service service) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    UUID id = UUID.randomUUID();
    Optional<Backup> last =
        store.listBackups(service.id()).stream()
            .filter(b -> b.status() == BackupStatus.DONE)
            .findFirst();
    boolean full =
        last.isEmpty()
            || store.listBackups(service.id()).stream()
                    .filter(
                        b ->
                            b.status() == BackupStatus.DONE
                                && b.chainId().equals(last.get().chainId()))
                    .count()
                >= FULL_EVERY;
    Backup backup =
        new Backup(
            id,
            service.organizationId(),
            service.id(),
            service.spec().region(),
            BackupStatus.IN_PROGRESS,
            full ? BackupType.FULL : BackupType.INCREMENTAL,
            full ? id : last.get().chainId(),
            now,
            null,
            0,
            service.spec().name() + "-" + now.toString().replace(":", "").replace(".", "-"),
            schedule.expiry(service.spec().backupConfiguration(), now),
            null);
    store.inTransaction(
        tx -> {
          tx.insertBackup(backup);
          return null;
        });
    return backup;
  }

  private Backup finish(Backup backup, BackupStatus outcome, long size, String reason) {
    Backup ended =
        backup.finished(outcome, clock.instant().truncatedTo(ChronoUnit.MILLIS), size, reason);
    String details =
        outcome == BackupStatus.DONE
            ? backup.type().wire() + " backup " + backup.id() + " done: " + size + " bytes added"
            : "backup " + backup.id() + " failed: " + reason;
    store.inTransaction(
        tx -> {
          tx.updateBackup(ended);
          tx.record(
              Actor.system(details)
                  .did(
                      ActivityType.SERVICE_MAINTENANCE_END,
                      backup.organizationId(),
                      backup.serviceId()));
          return null;
        });
    return ended;
  }

  /**
   * Deletes expired backups, and the parts of a chain once no backup of it is left. A backup
   * expires {@code backupRetentionPeriodInHours} after it started, by its service's retention as it
   * is now: a raised retention keeps existing backups longer, a lowered one expires older ones at
   * this pass. The expiry stored with a backup follows the retention while the service exists, so
   * that a deleted service's backups keep the retention it last had.
   */
  public void expire() {
    Instant now = clock.instant();
    Map<UUID, Optional<Service>> services = new HashMap<>();
    for (BackupStatus status : List.of(BackupStatus.DONE, BackupStatus.ERROR)) {
      for (Backup stored : store.listBackups(status)) {
        Backup b =
            withCurrentRetention(
                stored, services.computeIfAbsent(stored.serviceId(), store::findService));
        if (b.expiresAt().isAfter(now)) {
          continue;
        }
        try {
          storage.delete(StorageKeys.manifest(b.id()));
          store.inTransaction(
              tx -> {
                tx.deleteBackup(b.id());
                tx.record(
                    Actor.system("backup " + b.id() + " expired")
                        .did(ActivityType.BACKUP_DELETE, b.organizationId(), b.serviceId()));
                return null;
              });
          if (store.listBackups(b.serviceId()).stream()
              .noneMatch(o -> o.chainId().equals(b.chainId()))) {
            for (String key : storage.list(StorageKeys.chain(b.serviceId(), b.chainId()))) {
              storage.delete(key);
            }
          }
          log.info("service {}: backup {} expired and was deleted", b.serviceId(), b.id());
        } catch (IOException | RuntimeException e) {
          log.error("backup {}: cannot delete it yet: {}", b.id(), e.getMessage());
        }
      }
    }
  }

  private Backup withCurrentRetention(Backup b, Optional<Service> service) {
    if (service.isEmpty()) {
      return b;
    }
    Instant expiry = schedule.expiry(service.get().spec().backupConfiguration(), b.startedAt());
    if (expiry.equals(b.expiresAt())) {
      return b;
    }
    Backup updated = b.expiringAt(expiry);
    store.inTransaction(
        tx -> {
          tx.updateBackup(updated);
          return null;
        });
    return updated;
  }

  /**
   * A backup that a new service in {@code organizationId} and {@code region} may be restored from.
   */
  public Backup restorable(UUID organizationId, UUID backupId, String region) {
    Backup b =
        store
            .findBackup(backupId)
            .filter(x -> x.organizationId().equals(organizationId))
            .orElseThrow(
                () ->
                    DomainException.notFound(
                        "backupId: backup " + backupId + " does not exist in this organization"));
    if (b.status() != BackupStatus.DONE) {
      throw DomainException.invalidInput(
          "backupId: backup "
              + backupId
              + " is "
              + b.status().wire()
              + "; only a done backup can be restored");
    }
    if (!b.serviceRegion().equals(region)) {
      throw DomainException.invalidInput(
          "region: a backup restores into its own region; backup "
              + backupId
              + " is in "
              + b.serviceRegion()
              + ", not "
              + region);
    }
    return b;
  }

  /**
   * Fills a new, empty service whose server runs with the data of the backup it was created from
   * ({@code service.spec().restoreFrom()}); the reconciler's restore step.
   */
  public void restore(Service service) throws ProvisionException {
    restore(service, 1);
  }

  /**
   * {@link #restore(Service)} into a service running {@code replicas} replicas: each of them gets
   * the databases and tables, and the parts are attached on one (Replicated tables replicate them).
   */
  public void restore(Service service, int replicas) throws ProvisionException {
    UUID backupId = service.spec().restoreFrom();
    try {
      restorer.restore(backupId, service.id(), replicas);
    } catch (IOException e) {
      throw new ProvisionException("cannot restore backup " + backupId + ": " + e.getMessage(), e);
    }
    store.inTransaction(
        tx -> {
          tx.record(
              Actor.system("restored backup " + backupId)
                  .did(
                      ActivityType.SERVICE_RESTORE_BACKUP, service.organizationId(), service.id()));
          return null;
        });
  }

  public List<Backup> list(UUID serviceId) {
    return store.listBackups(serviceId);
  }

  /** Whether a service may be backed up now, and why not otherwise. */
  static Optional<String> whyNot(Service s) {
    if (s.desiredState() == DesiredState.DELETED) {
      return Optional.of(BEING_DELETED);
    }
    if (!s.servesQueries()) {
      return Optional.of(
          "the service is " + s.state().wire() + ", so nothing changed since its last backup");
    }
    return Optional.empty();
  }
}
