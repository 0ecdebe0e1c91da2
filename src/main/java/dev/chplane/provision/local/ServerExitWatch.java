package dev.chplane.provision.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices within {@code every} that a watched server process (one replica of a service) has exited
 * (killed, crashed, or stopped by chplane) and tells the listener which service it served. It
 * checks each process's {@code /proc} entry, which works the same for servers this JVM launched and
 * for those it adopted from an earlier chplane (for which {@link ProcessHandle#onExit()} only polls
 * every few seconds).
 */
public final class ServerExitWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerExitWatch.class);

  private final Map<Replica, ProcessHandle> watched = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "server-exit-watch");
            t.setDaemon(true);
            return t;
          });
  private volatile Consumer<UUID> listener = id -> {};

  public ServerExitWatch(Duration every) {
    timer.scheduleWithFixedDelay(
        this::checkAll, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Sets who hears of exits (set once at start). */
  public void onExit(Consumer<UUID> value) {
    this.listener = value;
  }

  /**
   * Watches {@code process} as the server of replica {@code replica} of {@code serviceId}, in place
   * of any earlier one. An earlier one that has exited unnoticed (replaced before the next check)
   * is reported now, so no exit goes unheard.
   */
  void watch(UUID serviceId, int replica, ProcessHandle process) {
    ProcessHandle previous = watched.put(new Replica(serviceId, replica), process);
    if (previous != null && !previous.equals(process) && !alive(previous)) {
      exited(serviceId, previous);
    }
  }

  private void checkAll() {
    // an exception would end the schedule: every check stands alone
    for (Map.Entry<Replica, ProcessHandle> e : watched.entrySet()) {
      try {
        if (!alive(e.getValue()) && watched.remove(e.getKey(), e.getValue())) {
          exited(e.getKey().serviceId(), e.getValue());
        }
      } catch (RuntimeException failed) {
        log.warn(
            "service {}: checking its server failed: {}",
            e.getKey().serviceId(),
            failed.toString());
      }
    }
  }

  private void exited(UUID serviceId, ProcessHandle process) {
    log.info("service {}: clickhouse-server pid {} has exited", serviceId, process.pid());
    try {
      listener.accept(serviceId);
    } catch (RuntimeException failed) {
      log.warn(
          "service {}: handling the exit of its server failed: {}", serviceId, failed.toString());
    }
  }

  /** Alive and not a zombie waiting to be collected. */
  static boolean alive(ProcessHandle handle) {
    if (!handle.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
      int close = stat.lastIndexOf(')');
      return close < 0 || stat.length() < close + 3 || stat.charAt(close + 2) != 'Z';
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
