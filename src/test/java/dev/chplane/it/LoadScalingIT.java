package dev.chplane.it;

import static dev.chplane.it.ReplicatedService.replicatedTable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Horizontal autoscaling under real load: CPU-bound queries through the service's endpoint make
 * chplane add a replica (with an activity that says why), and once they stop it removes it again
 * after the cool-down; a replicated table keeps every row throughout. chplane runs with a short
 * window and cool-down, and with thresholds a shared test machine can reach. It runs alone: its
 * load would slow the classes beside it.
 */
@RunsAlone
class LoadScalingIT {
  /** Client threads that keep one core-bound query each running. */
  private static final int LOAD_THREADS = 3;

  private static final String CPU_QUERY =
      "SELECT sum(sipHash64(number)) FROM numbers(20000000) SETTINGS max_threads = 1";

  private static final Duration SCALE_WITHIN = Duration.ofSeconds(240);

  private Path dataDir;
  private ChplaneProcess chplane;

  @BeforeEach
  void start() throws IOException {
    dataDir = Files.createTempDirectory("chplane-load-scaling-");
    chplane =
        new ChplaneProcess(
                dataDir,
                "--autoscaling-window-seconds",
                "10",
                "--autoscaling-cool-down-seconds",
                "15",
                "--autoscaling-scale-up-above",
                "0.3",
                "--autoscaling-scale-down-below",
                "0.05")
            .start();
  }

  @AfterEach
  void stop() {
    chplane.close();
    ClickHouseProcesses.killAll(dataDir);
    ZooKeeperProcesses.killAll(dataDir);
    TestInstallation.deleteTree(dataDir);
  }

  @Test
  void busyServiceGetsASecondReplicaAndLosesItAfterTheLoadStops() throws Exception {
    ApiClient api = chplane.api();
    ApiClient.Response created =
        api.post(
            TestInstallation.services(),
            "{\"name\":\"busy\",\"provider\":\"aws\",\"region\":\"us-east-1\","
                + "\"autoscalingMode\":\"horizontal\",\"minReplicas\":1,\"maxReplicas\":2,"
                + "\"idleScaling\":false,"
                + "\"ipAccessList\":[{\"source\":\"127.0.0.1\",\"description\":\"\"}]}");
    assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
    ReplicatedService service =
        new ReplicatedService(api, dataDir.resolve("tls/ca.pem"), created.result());
    service.awaitState("running");
    assertThat(servers(service)).isEqualTo(1);
    service.sql(replicatedTable("default.t", "id UInt64", "id"));
    service.sql("INSERT INTO default.t SELECT number FROM numbers(5000)");

    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicInteger answered = new AtomicInteger();
    ExecutorService load = Executors.newFixedThreadPool(LOAD_THREADS);
    try {
      for (int i = 0; i < LOAD_THREADS; i++) {
        load.submit(
            () -> {
              while (loading.get()) {
                if (service.query(CPU_QUERY).ok()) {
                  answered.incrementAndGet();
                }
              }
            });
      }
      await()
          .atMost(SCALE_WITHIN)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> autoscalingActivities(service).size() == 1);
    } finally {
      loading.set(false);
      load.shutdown();
      assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).as("load threads ended").isTrue();
    }
    System.out.println(
        "LoadScalingIT: " + answered.get() + " load queries answered before the scale-up");
    assertThat(autoscalingActivities(service))
        .singleElement()
        .asString()
        .contains("over the last 10 s is above 30 %")
        .contains("1 -> 2 replicas");
    assertThat(service.get().at("/currentScaling/effectiveMinReplicas").asInt()).isEqualTo(1);
    assertThat(service.get().at("/currentScaling/effectiveMaxReplicas").asInt()).isEqualTo(2);
    await()
        .atMost(ReplicatedService.START)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> servers(service) == 2 && service.state().equals("running"));
    service.awaitOnEveryReplica("SELECT count() FROM default.t", 2, "5000", Duration.ofSeconds(60));

    // no load: after the cool-down (15 s) and a quiet window, back to minReplicas
    await()
        .atMost(SCALE_WITHIN)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> autoscalingActivities(service).size() == 2);
    assertThat(autoscalingActivities(service))
        .hasSize(2)
        .last()
        .asString()
        .contains("over the last 10 s is below 5 %")
        .contains("2 -> 1 replicas");
    await()
        .atMost(ReplicatedService.START)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> servers(service) == 1 && service.state().equals("running"));
    assertThat(service.sqlRetrying("SELECT count() FROM default.t", Duration.ofSeconds(30)))
        .isEqualTo("5000");
  }

  /**
   * The servers that run for the service. In horizontal mode GET reports the band ({@code
   * currentScaling.effectiveMinReplicas/effectiveMaxReplicas}, as the official API defines them),
   * not the count within it; the activity log says each change.
   */
  private int servers(ReplicatedService service) {
    return ClickHouseProcesses.under(dataDir.resolve("services").resolve(service.id())).size();
  }

  /** Why each autoscaling change of the service was made, oldest first. */
  private List<String> autoscalingActivities(ReplicatedService service) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode a :
        chplane.api().get("/v1/organizations/" + TestInstallation.ORG + "/activities").result()) {
      if (service.id().equals(a.path("serviceId").asText())
          && a.path("type").asText().equals("service_update_autoscaling_replicas")) {
        found.add(a);
      }
    }
    found.sort(java.util.Comparator.comparing(a -> a.path("createdAt").asText()));
    return found.stream().map(a -> a.path("actorDetails").asText()).toList();
  }
}
