package dev.chplane.reconcile;

import dev.chplane.store.MetadataStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ServiceReconciler} passes: when asked ({@link #trigger}) and for every service at a
 * fixed interval, so that a server that died or a crash in the middle of a pass is noticed. At
 * most one pass per service runs at a time; a trigger that arrives during a pass gets a pass of
 * its own after it, so every change is seen by a pass that started after it was stored.
 */
public final class ReconcileLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReconcileLoop.class);

  private final ServiceReconciler reconciler;
  private final MetadataStore store;
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;
  private final Map<UUID, Slot> slots = new ConcurrentHashMap<>();

  /** Per-service bookkeeping; guarded by its own monitor. */
  private static final class Slot {
    boolean running;
    List<CompletableFuture<Void>> waiting = new ArrayList<>();
  }

  public ReconcileLoop(ServiceReconciler reconciler, MetadataStore store) {
    this.reconciler = reconciler;
    this.store = store;
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newCachedThreadPool(r -> daemon(r, "reconcile-" + n.incrementAndGet()));
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "reconcile-timer"));
  }

  /** Passes over every service now and every {@code interval}. */
  public void start(Duration interval) {
    timer.scheduleWithFixedDelay(this::triggerAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Asks for a pass over one service; the future completes when a pass that began after this call ends. */
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

  private void triggerAll() {
    try {
      store.listAllServices().forEach(s -> trigger(s.id()));
    } catch (RuntimeException e) {
      log.error("cannot list services for the periodic pass: {}", e.getMessage());
    }
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
      try {
        reconciler.reconcile(id);
      } catch (RuntimeException e) {
        log.error("service {}: reconcile pass failed, the next periodic pass retries: {}", id, e.toString());
      }
      batch.forEach(f -> f.complete(null));
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
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

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
