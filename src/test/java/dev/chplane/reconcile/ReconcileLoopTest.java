package dev.chplane.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * When the loop runs passes: on triggers, at deadlines a pass asks for, at the drift check; one at
 * a time per service.
 */
class ReconcileLoopTest {
  private static final UUID A = UUID.randomUUID();
  private static final UUID B = UUID.randomUUID();
  private final ManualScheduler scheduler = new ManualScheduler();
  private final Map<UUID, AtomicInteger> passes = new ConcurrentHashMap<>();

  /** A reconciler that counts passes and answers what {@code next} says. */
  private Reconciler counting(Function<Integer, Optional<Duration>> next) {
    return id -> next.apply(passes.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet());
  }

  private int passes(UUID id) {
    return passes.getOrDefault(id, new AtomicInteger()).get();
  }

  private ReconcileLoop loop(Reconciler reconciler, ExecutorService workers) {
    return new ReconcileLoop(reconciler, () -> List.of(A, B), workers, scheduler);
  }

  @Test
  void aTriggerRunsOnePassAndItsFutureCompletesAfterIt() throws Exception {
    try (ReconcileLoop loop = loop(counting(n -> Optional.empty()), new DirectExecutor())) {
      CompletableFuture<Void> done = loop.trigger(A);

      assertThat(done).isDone();
      assertThat(passes(A)).isEqualTo(1);
      assertThat(passes(B)).isZero();
      assertThat(scheduler.pending()).as("nothing to retry").isZero();
    }
  }

  @Test
  void listenersHearOfTheEndOfEachPassEvenWhenOneFails() {
    try (ReconcileLoop loop = loop(counting(n -> Optional.empty()), new DirectExecutor())) {
      List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
      loop.onPass(
          id -> {
            throw new IllegalStateException("a listener that fails");
          });
      loop.onPass(id -> heard.add(id + " after pass " + passes(id)));

      CompletableFuture<Void> done = loop.trigger(A);
      loop.trigger(A);

      assertThat(done).isDone();
      assertThat(heard).containsExactly(A + " after pass 1", A + " after pass 2");
    }
  }

  @Test
  void aRetryThePassAsksForRunsWhenItFallsDue() {
    try (ReconcileLoop loop =
        loop(
            counting(n -> n == 1 ? Optional.of(Duration.ofSeconds(10)) : Optional.empty()),
            new DirectExecutor())) {
      loop.trigger(A);

      scheduler.advance(Duration.ofSeconds(9));
      assertThat(passes(A)).isEqualTo(1);
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(passes(A)).isEqualTo(2);
      scheduler.advance(Duration.ofMinutes(10));
      assertThat(passes(A)).as("the second pass asked for nothing").isEqualTo(2);
    }
  }

  @Test
  void aPassThatNeedsNoRetryCancelsTheEarlierDeadline() {
    try (ReconcileLoop loop =
        loop(
            counting(n -> n == 1 ? Optional.of(Duration.ofSeconds(10)) : Optional.empty()),
            new DirectExecutor())) {
      loop.trigger(A);
      loop.trigger(A); // an event before the deadline: its pass finds nothing to retry

      scheduler.advance(Duration.ofMinutes(1));

      assertThat(passes(A)).isEqualTo(2);
    }
  }

  @Test
  void theDriftCheckPassesOverEveryServiceEveryInterval() {
    try (ReconcileLoop loop = loop(counting(n -> Optional.empty()), new DirectExecutor())) {
      loop.start(Duration.ofSeconds(30));
      scheduler.advance(Duration.ZERO);
      assertThat(passes(A)).isEqualTo(1);
      assertThat(passes(B)).isEqualTo(1);

      scheduler.advance(Duration.ofSeconds(29));
      assertThat(passes(A)).isEqualTo(1);
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(passes(A)).isEqualTo(2);
      assertThat(passes(B)).isEqualTo(2);
    }
  }

  @Test
  void aPassThatThrowsIsTriedAgainAfterAWhile() {
    try (ReconcileLoop loop =
        loop(
            counting(
                n -> {
                  if (n == 1) {
                    throw new IllegalStateException("store unavailable");
                  }
                  return Optional.empty();
                }),
            new DirectExecutor())) {
      CompletableFuture<Void> done = loop.trigger(A);

      assertThat(done).as("the trigger's future completes even so").isDone();
      scheduler.advance(ReconcileLoop.AFTER_ERROR);
      assertThat(passes(A)).isEqualTo(2);
    }
  }

  @Test
  void passesForOneServiceNeverOverlapAndATriggerDuringAPassGetsOneAfterIt() throws Exception {
    CountDownLatch inFirstPass = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlapping = new AtomicInteger();
    Reconciler slow =
        counting(
            n -> {
              if (running.incrementAndGet() > 1) {
                overlapping.incrementAndGet();
              }
              try {
                if (n == 1) {
                  inFirstPass.countDown();
                  release.await(10, TimeUnit.SECONDS);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                running.decrementAndGet();
              }
              return Optional.empty();
            });
    try (ReconcileLoop loop = loop(slow, Executors.newFixedThreadPool(4))) {
      CompletableFuture<Void> first = loop.trigger(A);
      assertThat(inFirstPass.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Void> second = loop.trigger(A);
      CompletableFuture<Void> third = loop.trigger(A);
      assertThat(second).as("its pass must begin after the trigger").isNotDone();

      release.countDown();
      CompletableFuture.allOf(first, second, third).get(10, TimeUnit.SECONDS);

      assertThat(passes(A))
          .as("the two triggers during the pass share one pass after it")
          .isEqualTo(2);
      assertThat(overlapping).hasValue(0);
    }
  }

  @Test
  void theWorkersAreBounded() throws Exception {
    ExecutorService workers = ReconcileLoop.boundedWorkers();
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    Reconciler blocking =
        id -> {
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          running.decrementAndGet();
          return Optional.empty();
        };
    try (ReconcileLoop loop = new ReconcileLoop(blocking, List::of, workers, scheduler)) {
      List<CompletableFuture<Void>> all = new java.util.ArrayList<>();
      for (int i = 0; i < 3 * ReconcileLoop.WORKERS; i++) {
        all.add(loop.trigger(UUID.randomUUID()));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> running.get() == ReconcileLoop.WORKERS);
      release.countDown();
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      assertThat(most).hasValue(ReconcileLoop.WORKERS);
    }
  }

  /** Runs each pass on the caller's thread: a trigger returns once its pass is over. */
  private static final class DirectExecutor extends AbstractExecutorService {
    private volatile boolean shut;

    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override
    public void shutdown() {
      shut = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shut = true;
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return shut;
    }

    @Override
    public boolean isTerminated() {
      return shut;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }
}
