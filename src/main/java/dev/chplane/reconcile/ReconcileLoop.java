package dev.chplane.reconcile;

import dev.chplane.domain.Service;
import dev.chplane.store.MetadataStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Reconciler} passes when something happened, on at most {@link #WORKERS} threads.
 *
 * <p>What triggers a pass over one service: a change of what its user asked (the API calls {@link
 * #trigger}), its server's exit ({@code ServerExitWatch}), an idle-scaling decision or a wake
 * ({@link IdleScaler}), a change of readiness ({@link ReadinessCheck}), and deadlines the pass
 * itself sets (a retry after a failed start, see {@link StartBackoff}; a delete that could not
 * finish). One cheap drift check, every {@code interval} given to {@link #start} ({@code
 * reconcileInterval}: 30 s by default), triggers a pass over every service, so that what no event
 * reports (files removed by hand, a crash of chplane in the middle of a pass) is still noticed. A
 * pass over a service that is as it should be reads it, confirms its exposure and asks the
 * provisioner whether its known server still runs.
 *
 * <p>What runs periodically, in all of chplane's reconciling: this drift check (every {@code
 * interval}) and {@link ReadinessCheck} (every 5 s, one query per running service). {@link
 * IdleScaler} has no period of its own: its per-service deadlines are set again at the end of each
 * pass ({@link #onPass}), so the drift check is its drift check too.
 *
 * <p>At most one pass per service runs at a time; a trigger that arrives during a pass gets a pass
 * of its own after it, so every change is seen by a pass that started after it was stored.
 */
public final class ReconcileLoop implements AutoCloseable {
  /**
   * Passes that run at once, over different services; more wait in line (one entry per service).
   */
  public static final int WORKERS = 8;

  /** When a pass failed with an unexpected error, the next one comes after this. */
  static final Duration AFTER_ERROR = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(ReconcileLoop.class);

  private final Reconciler reconciler;
  private final Supplier<List<UUID>> services;
  private final ExecutorService workers;
  private final Scheduler scheduler;
  private final Map<UUID, Slot> slots = new ConcurrentHashMap<>();
  private final Map<UUID, Scheduler.Cancellable> retries = new ConcurrentHashMap<>();
  private final List<Consumer<UUID>> passListeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /** Per-service bookkeeping; guarded by its own monitor. */
  private static final class Slot {
    boolean running;
    List<CompletableFuture<Void>> waiting = new ArrayList<>();
  }

  public ReconcileLoop(Reconciler reconciler, MetadataStore store) {
    this(
        reconciler,
        () -> store.listAllServices().stream().map(Service::id).toList(),
        boundedWorkers(),
        new ExecutorScheduler("reconcile-timer"));
  }

  /**
   * @param services the ids of every service, for the drift check
   * @param workers runs passes; closed with the loop
   * @param scheduler runs drift checks and retries; closed with the loop
   */
  public ReconcileLoop(
      Reconciler reconciler,
      Supplier<List<UUID>> services,
      ExecutorService workers,
      Scheduler scheduler) {
    this.reconciler = reconciler;
    this.services = services;
    this.workers = workers;
    this.scheduler = scheduler;
  }

  /** Runs the drift check now and every {@code interval}. */
  public void start(Duration interval) {
    scheduler.schedule(Duration.ZERO, () -> drift(interval));
  }

  /**
   * {@code listener} hears of the end of every pass, with the service's id, on the worker that ran
   * it (it must be short): how {@link IdleScaler} follows each change the pass or a command made,
   * the drift check's passes included.
   */
  public void onPass(Consumer<UUID> listener) {
    passListeners.add(listener);
  }

  /**
   * Asks for a pass over one service; the future completes when a pass that began after this call
   * ends.
   */
  public CompletableFuture<Void> trigger(UUID id) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Slot slot = slots.computeIfAbsent(id, k -> new Slot());
    boolean submit;
    synchronized (slot) {
      slot.waiting.add(done);
      submit = !slot.running;
      slot.running = true;
    }
    if (submit) {
      workers.execute(() -> drain(id, slot));
    }
    return done;
  }

  private void drift(Duration interval) {
    if (closed) {
      return;
    }
    try {
      services.get().forEach(this::trigger);
    } catch (RuntimeException e) {
      log.error("cannot list services for the drift check: {}", e.getMessage());
    }
    scheduler.schedule(interval, () -> drift(interval));
  }

  private void drain(UUID id, Slot slot) {
    while (true) {
      List<CompletableFuture<Void>> batch;
      synchronized (slot) {
        if (slot.waiting.isEmpty()) {
          slot.running = false;
          return;
        }
        batch = slot.waiting;
        slot.waiting = new ArrayList<>();
      }
      Optional<Duration> next;
      try {
        next = reconciler.reconcile(id);
      } catch (RuntimeException e) {
        log.error(
            "service {}: reconcile pass failed, the next one comes in {} s: {}",
            id,
            AFTER_ERROR.toSeconds(),
            e.toString());
        next = Optional.of(AFTER_ERROR);
      }
      retryAfter(id, next);
      for (Consumer<UUID> listener : passListeners) {
        try {
          listener.accept(id);
        } catch (RuntimeException e) {
          log.error("service {}: a listener of its reconcile pass failed: {}", id, e.toString());
        }
      }
      batch.forEach(f -> f.complete(null));
    }
  }

  /**
   * Sets the service's next deadline in place of any earlier one (none when {@code next} is empty).
   */
  private void retryAfter(UUID id, Optional<Duration> next) {
    Scheduler.Cancellable previous =
        next.isEmpty() || closed
            ? retries.remove(id)
            : retries.put(id, scheduler.schedule(next.get(), () -> trigger(id)));
    if (previous != null) {
      previous.cancel();
    }
  }

  @Override
  public void close() {
    closed = true;
    scheduler.close();
    // let passes finish their store writes: an interrupt inside the embedded database's file I/O
    // closes its file channel; a pass still waiting for a server after this is interrupted
    workers.shutdown();
    try {
      if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
        workers.shutdownNow();
        workers.awaitTermination(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static ExecutorService boundedWorkers() {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            WORKERS,
            WORKERS,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "reconcile-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
