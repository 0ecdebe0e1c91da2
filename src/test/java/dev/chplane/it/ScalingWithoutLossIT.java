package dev.chplane.it;

import static dev.chplane.it.ReplicatedService.replicatedTable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scaling 1 → 3 → 2 → 1 replicas while a client inserts loses no acknowledged row, new replicas get
 * the tables and rows, removed ones leave ZooKeeper; a plain MergeTree table made at one replica
 * becomes replicated on a scale-up and keeps its rows.
 */
class ScalingWithoutLossIT {
  private static final int BATCH = 100;

  private static TestInstallation chplane;

  @BeforeAll
  static void start() {
    chplane = new TestInstallation();
  }

  @AfterAll
  static void stop() {
    Path dir = chplane.dataDir();
    chplane.stopChplane();
    ZooKeeperProcesses.killAll(dir);
    chplane.close();
  }

  /**
   * Inserts batches of {@link #BATCH} consecutive ids through the endpoint, each on a new
   * connection, retrying a batch until it is acknowledged (a repeated block is deduplicated by the
   * replicated table), so that every id below {@link #acknowledged()} was acknowledged.
   */
  private static final class Writer implements Runnable {
    private final ReplicatedService service;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final List<String> refusals = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread = new Thread(this, "inserting client");

    Writer(ReplicatedService service) {
      this.service = service;
    }

    Writer start() {
      thread.start();
      return this;
    }

    long acknowledged() {
      return acknowledged.get();
    }

    @Override
    public void run() {
      while (!stop.get()) {
        long first = acknowledged.get();
        try {
          // a reconnecting client: the same batch again, 50 ms after each refusal
          await()
              .atMost(Duration.ofSeconds(120))
              .pollDelay(Duration.ZERO)
              .pollInterval(Duration.ofMillis(50))
              .until(() -> inserted(first));
        } catch (ConditionTimeoutException e) {
          failure.set("batch from id " + first + " not acknowledged in 120 s: " + lastRefusal());
          return;
        }
        acknowledged.set(first + BATCH);
      }
    }

    private boolean inserted(long first) {
      ClickHouseClients.Answer a =
          service.query(
              "INSERT INTO default.t SELECT number + " + first + " FROM numbers(" + BATCH + ")");
      if (!a.ok()) {
        refusals.add(a.status() + " " + a.body().strip());
      }
      return a.ok();
    }

    private String lastRefusal() {
      synchronized (refusals) {
        return refusals.isEmpty() ? "none" : refusals.get(refusals.size() - 1);
      }
    }

    /** Waits until {@code batches} more batches are acknowledged. */
    void awaitProgress(int batches) {
      long target = acknowledged() + (long) batches * BATCH;
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> failure.get() != null || acknowledged() >= target);
      assertThat(failure.get()).as("the inserting client").isNull();
    }

    long finish() throws InterruptedException {
      stop.set(true);
      thread.join(Duration.ofSeconds(150).toMillis());
      assertThat(thread.isAlive()).isFalse();
      assertThat(failure.get()).as("the inserting client").isNull();
      System.out.println(
          "ScalingWithoutLossIT: "
              + acknowledged()
              + " rows acknowledged; "
              + refusals.size()
              + " attempts refused, first: "
              + refusals.stream().findFirst().orElse("none"));
      return acknowledged();
    }
  }

  private static void awaitReplicasRunning(ReplicatedService service, int replicas) {
    String[] last = new String[1];
    try {
      await()
          .atMost(ReplicatedService.START)
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                String state = service.state();
                List<ProcessHandle> servers =
                    ClickHouseProcesses.under(chplane.serviceDir(service.id()));
                last[0] =
                    state
                        + ", servers "
                        + servers.stream()
                            .map(
                                p ->
                                    p.pid()
                                        + " "
                                        + p.info().arguments().map(List::of).orElse(List.of()))
                            .toList();
                return state.equals("running") && servers.size() == replicas;
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "not running with " + replicas + " replicas in time; last seen: " + last[0], e);
    }
    assertThat(service.get().at("/currentScaling/effectiveMinReplicas").asInt())
        .isEqualTo(replicas);
  }

  /** Every replica has at least the ids acknowledged so far, and ZooKeeper lists only them. */
  private static void assertReplicasHoldAcknowledged(
      ReplicatedService service, Writer writer, int replicas) {
    long acknowledged = writer.acknowledged();
    service.awaitOnEveryReplica(
        "SELECT toString((SELECT uniqExact(id) FROM default.t) >= "
            + acknowledged
            + ") || '/' || toString(total_replicas) || '/' || toString(active_replicas)"
            + " FROM system.replicas WHERE database = 'default' AND table = 't'",
        replicas,
        "1/" + replicas + "/" + replicas,
        Duration.ofSeconds(90));
  }

  @Test
  void scalingOneThreeTwoOneWhileInsertingLosesNoAcknowledgedRow() throws Exception {
    ReplicatedService service =
        ReplicatedService.create(
            chplane.api(), chplane.caCertificate(), "scaled", 1, "\"idleScaling\":false");
    service.awaitState("running");
    assertThat(ClickHouseProcesses.under(chplane.serviceDir(service.id()))).hasSize(1);
    service.sql(replicatedTable("default.t", "id UInt64", "id"));
    Writer writer = new Writer(service).start();
    try {
      writer.awaitProgress(10);
      for (int replicas : new int[] {3, 2, 1}) {
        service.scaleTo(replicas);
        awaitReplicasRunning(service, replicas);
        writer.awaitProgress(5);
        assertReplicasHoldAcknowledged(service, writer, replicas);
      }
    } finally {
      long acknowledged = writer.finish();
      service.awaitOnEveryReplica(
          "SELECT toString(uniqExact(id)) || '/' || toString(min(id)) || '/' || toString(max(id))"
              + " FROM default.t",
          1,
          acknowledged + "/0/" + (acknowledged - 1),
          Duration.ofSeconds(30));
    }
    service.delete();
  }

  @Test
  void aPlainMergeTreeTableBecomesReplicatedOnAScaleUpAndKeepsItsRows() {
    ReplicatedService service =
        ReplicatedService.create(
            chplane.api(), chplane.caCertificate(), "converted", 1, "\"idleScaling\":false");
    service.awaitState("running");
    service.sql("CREATE TABLE default.plain (id UInt64, s String) ENGINE = MergeTree ORDER BY id");
    service.sql("INSERT INTO default.plain SELECT number, toString(number) FROM numbers(1000)");
    service.sql("INSERT INTO default.plain SELECT number + 1000, 'x' FROM numbers(234)");
    String checksum = service.sql("SELECT sum(cityHash64(*)) FROM default.plain");

    service.scaleTo(3);
    awaitReplicasRunning(service, 3);
    service.awaitOnEveryReplica(
        "SELECT engine || '/' || toString((SELECT count() FROM default.plain))"
            + " || '/' || toString((SELECT sum(cityHash64(*)) FROM default.plain))"
            + " FROM system.tables WHERE database = 'default' AND name = 'plain'",
        3,
        "ReplicatedMergeTree/1234/" + checksum,
        Duration.ofSeconds(60));
    service.sql("INSERT INTO default.plain SELECT number + 5000, 'after' FROM numbers(10)");
    service.awaitOnEveryReplica(
        "SELECT count() FROM default.plain", 3, "1244", Duration.ofSeconds(30));
    service.delete();
  }
}
