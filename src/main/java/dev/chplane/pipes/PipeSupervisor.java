package dev.chplane.pipes;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.domain.ActivityType;
import dev.chplane.domain.Actor;
import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.PipeState;
import dev.chplane.domain.Service;
import dev.chplane.json.JsonMappers;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.ReplicatedTables;
import dev.chplane.provision.Sql;
import dev.chplane.store.MetadataStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives every pipe toward what its user asked: runs a {@link PipeRunner} for each pipe that should
 * run on a running service, stops it otherwise, and writes the observed state. After a restart of
 * chplane, pipes resume from their committed positions.
 */
public final class PipeSupervisor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PipeSupervisor.class);

  private final MetadataStore store;
  private final PipeServers servers;
  private final PipeSecrets secrets;
  private final Duration failureWindow;
  private final List<PipeSourceDriver> drivers;
  // decimals keep the digits the message wrote: the server reads them as it would read the message
  private final ObjectMapper json = JsonMappers.exactDecimals();
  private final Map<UUID, PipeRunner> runners = new ConcurrentHashMap<>();
  private final Map<UUID, PipeStats> stats = new ConcurrentHashMap<>();
  private final PipeProgress progress = new PipeProgress(Duration.ofMinutes(1));
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "pipe-supervisor");
            t.setDaemon(true);
            return t;
          });

  /**
   * {@code drivers}: the kinds of source pipes may read (Kafka's is {@code
   * pipes.kafka.KafkaDriver}).
   */
  public PipeSupervisor(
      MetadataStore store,
      PipeServers servers,
      PipeSecrets secrets,
      Duration failureWindow,
      List<PipeSourceDriver> drivers) {
    this.store = store;
    this.servers = servers;
    this.secrets = secrets;
    this.failureWindow = failureWindow;
    this.drivers = List.copyOf(drivers);
  }

  public void start() {
    timer.scheduleWithFixedDelay(this::tick, 0, 300, TimeUnit.MILLISECONDS);
  }

  /** Acts on the stored pipes now rather than at the next tick (after an API change). */
  public void nudge() {
    timer.execute(this::tick);
  }

  /** Whether a pipe of the service is consuming now (such a service stays awake). */
  public boolean hasRunningPipes(UUID serviceId) {
    return runners.values().stream().anyMatch(r -> r.pipe().serviceId().equals(serviceId));
  }

  /**
   * What a pipe has done since chplane started (kept across stops and restarts of its workers).
   *
   * @param fetchedEvents messages read from the source
   * @param fetchedBytes their bytes (Kafka: key and value)
   * @param sentEvents rows inserted into the destination table
   * @param sentBytes the bytes of those inserts (JSONEachRow)
   * @param errors messages that went to the error table, plus failed insert attempts
   * @param latencySeconds of the last inserted batch, from its oldest message's source timestamp to
   *     the end of its insert; NaN before the first batch
   */
  public record Counters(
      long fetchedEvents,
      long fetchedBytes,
      long sentEvents,
      long sentBytes,
      long errors,
      double latencySeconds) {
    public static final Counters NONE = new Counters(0, 0, 0, 0, 0, Double.NaN);
  }

  /** The pipe's counters; all zero for a pipe that has not run since chplane started. */
  public Counters counters(UUID pipeId) {
    PipeStats s = stats.get(pipeId);
    return s == null ? Counters.NONE : s.snapshot();
  }

  void tick() {
    try {
      for (ClickPipe pipe : store.listAllPipes()) {
        try {
          drive(pipe);
          PipeRunner runner = runners.get(pipe.id());
          if (runner != null) {
            progress
                .due(pipe.id(), pipe.spec().name(), counters(pipe.id()), System.nanoTime())
                .ifPresent(log::info);
          }
        } catch (RuntimeException e) {
          log.error(
              "pipe {}: supervisor pass failed; the next one retries: {}", pipe.id(), e.toString());
        }
      }
    } catch (RuntimeException e) {
      log.error("cannot list pipes: {}", e.toString());
    }
  }

  private void drive(ClickPipe pipe) {
    Optional<Service> service = store.findService(pipe.serviceId());
    PipeRunner runner = runners.get(pipe.id());
    if (service.isEmpty() || pipe.desiredState() == DesiredState.DELETED) {
      stopRunner(pipe.id());
      store.inTransaction(
          tx -> {
            tx.deletePipe(pipe.id());
            return null;
          });
      stats.remove(pipe.id());
      log.info("pipe {} ({}) deleted; its table is kept", pipe.id(), pipe.spec().name());
      return;
    }
    if (pipe.desiredState() == DesiredState.STOPPED) {
      if (runner != null) {
        setState(pipe.id(), PipeState.STOPPING, null);
        stopRunner(pipe.id());
      }
      setState(pipe.id(), PipeState.STOPPED, null);
      return;
    }
    if (!service.get().servesQueries()) {
      stopRunner(pipe.id());
      return;
    }
    if (runner == null) {
      if (pipe.state() != PipeState.FAILED) {
        startRunner(pipe, service.get());
      }
      return;
    }
    if (runner.failure() != null) {
      stopRunner(pipe.id());
      setState(pipe.id(), PipeState.FAILED, runner.failure());
    } else if (!runner.pipe().spec().equals(pipe.spec())) {
      log.info("pipe {}: configuration changed, restarting its workers", pipe.id());
      stopRunner(pipe.id());
      startRunner(pipe, service.get());
    } else if (runner.consuming() && pipe.state() != PipeState.RUNNING) {
      setState(pipe.id(), PipeState.RUNNING, null);
      log.info("pipe {} ({}) is running", pipe.id(), pipe.spec().name());
    }
  }

  private void startRunner(ClickPipe pipe, Service service) {
    PipeSourceDriver driver =
        drivers.stream()
            .filter(d -> d.reads(pipe.spec().source()))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no driver reads " + pipe.spec().source().kind() + " sources"));
    PipeServer server = servers.of(service);
    try {
      String table = PipeRunner.errorTable(pipe.spec().destination().table());
      String name = Sql.name(pipe.spec().destination().database()) + "." + Sql.name(table);
      // Replicated where the server can replicate, like every table chplane creates; created ON
      // CLUSTER, which waits for every replica, only when it is missing
      if (!server.query("EXISTS TABLE " + name).strip().equals("1")) {
        server.query(
            new ReplicatedTables()
                .createStatement(
                    server::query,
                    "CREATE TABLE IF NOT EXISTS "
                        + name
                        + " (timestamp DateTime, topic String, partition Int32, offset Int64,"
                        + " error String, raw String) ENGINE = MergeTree ORDER BY timestamp"));
      }
    } catch (ProvisionException e) {
      log.warn("pipe {}: cannot create its error table yet: {}", pipe.id(), e.getMessage());
      return;
    }
    PipeRunner runner =
        new PipeRunner(
            pipe, server, failureWindow, stats.computeIfAbsent(pipe.id(), id -> new PipeStats()));
    runners.put(pipe.id(), runner);
    if (pipe.state() != PipeState.PROVISIONING) {
      setState(pipe.id(), PipeState.PROVISIONING, null);
    }
    runner.start(
        driver.tasks(
            new SourceContext(
                pipe, secrets.read(pipe), new PipePositions(store, pipe.id()), server)),
        json);
  }

  private void stopRunner(UUID id) {
    PipeRunner runner = runners.remove(id);
    progress.forget(id);
    if (runner != null) {
      runner.stop();
      log.info("pipe {}: workers stopped", id);
    }
  }

  private void setState(UUID id, PipeState state, String reason) {
    store.mutatePipe(
        id,
        p ->
            p.state() == state && java.util.Objects.equals(p.failureReason(), reason)
                ? p
                : p.withState(state, reason),
        (a, b) ->
            b.state() == PipeState.FAILED && a.state() != PipeState.FAILED
                // no official activity type for ClickPipes: recorded like other maintenance events
                ? List.of(
                    Actor.system("clickpipe " + id + " (" + b.spec().name() + ") failed: " + reason)
                        .did(
                            ActivityType.SERVICE_MAINTENANCE_END,
                            b.organizationId(),
                            b.serviceId()))
                : List.of());
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    runners.keySet().forEach(this::stopRunner);
  }
}
