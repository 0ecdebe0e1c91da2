package dev.chplane.backup;

import dev.chplane.disk.DiskSpace;
import dev.chplane.domain.Backup;
import dev.chplane.domain.Service;
import dev.chplane.store.MetadataStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes each service's backups when they are due ({@link BackupSchedule}), one at a time per
 * service, and expires old ones. A service that is not running when a backup is due is not woken:
 * the skipped run is recorded and the next one is due a period later; so is a run due while a disk
 * backups need is below the free space chplane keeps ({@link DiskSpace}).
 */
public final class BackupScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BackupScheduler.class);

  private final BackupService backups;
  private final MetadataStore store;
  private final DiskSpace disk;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final ExecutorService workers;
  private final Set<UUID> running = ConcurrentHashMap.newKeySet();

  /**
   * When a due run was last skipped, per service; kept in memory, so a restart may skip once more.
   */
  private final Map<UUID, Instant> skipped = new ConcurrentHashMap<>();

  public BackupScheduler(BackupService backups, MetadataStore store, DiskSpace disk, Clock clock) {
    this.backups = backups;
    this.store = store;
    this.disk = disk;
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "backup-timer"));
    this.workers = Executors.newCachedThreadPool(r -> daemon(r, "backup-" + n.incrementAndGet()));
  }

  public void start() {
    backups.failInterrupted();
    long tick = backups.schedule().tick().toMillis();
    timer.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
  }

  void tick() {
    try {
      for (Service s : store.listAllServices()) {
        if (!running.contains(s.id()) && clock.instant().isAfter(due(s))) {
          Optional<String> whyNot = BackupService.whyNot(s).or(disk::whyNoBackup);
          if (whyNot.isPresent()) {
            skipped.put(s.id(), clock.instant());
            backups.skip(s, whyNot.get());
          } else if (running.add(s.id())) {
            workers.execute(
                () -> {
                  try {
                    backups.take(s);
                  } finally {
                    running.remove(s.id());
                  }
                });
          }
        }
      }
      backups.expire();
    } catch (RuntimeException e) {
      log.error("backup scheduler pass failed; the next one retries: {}", e.toString());
    }
  }

  private Instant due(Service s) {
    Instant since = s.createdAt();
    Optional<Backup> last = store.listBackups(s.id()).stream().findFirst();
    if (last.isPresent() && last.get().startedAt().isAfter(since)) {
      since = last.get().startedAt();
    }
    Instant skip = skipped.get(s.id());
    if (skip != null && skip.isAfter(since)) {
      since = skip;
    }
    return backups.schedule().nextDue(s.spec().backupConfiguration(), since);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
