package dev.chplane.it;

import static dev.chplane.it.SmallFileSystem.MIB;
import static dev.chplane.it.TestInstallation.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chplane.disk.DiskSpace;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A full disk under the data directory (a 160 MiB tmpfs that the test fills) gives clear errors,
 * never a 500; below {@code --min-free-disk-mb} (48 here) new services and backups are refused;
 * once space is freed everything works again and nothing stored was lost. An hour of the backup
 * schedule lasts half a second.
 */
@RunsAlone
class DiskFullIT {
  private static final String ORG = "/v1/organizations/" + TestInstallation.ORG;
  private static final long MIN_FREE = 48 * MIB;

  @Test
  void aFullDiskIsReportedAndRefusedClearlyAndEverythingWorksOnceSpaceIsFreed() throws Exception {
    Logger diskLog = (Logger) LoggerFactory.getLogger(DiskSpace.class);
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    warnings.start();
    diskLog.addAppender(warnings);
    TestInstallation.MIN_FREE_DISK_BYTES.set(MIN_FREE);
    try (SmallFileSystem disk = SmallFileSystem.mount(160);
        TestInstallation chplane =
            new TestInstallation(disk.path().resolve("data"), null, null, Duration.ofMillis(500))) {
      ApiClient api = chplane.api();
      String id =
          chplane
              .createRunning("on a small disk", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]")
              .at("/service/id")
              .asText();
      // a backup every 3 s, kept 9 minutes
      assertThat(
              api.patch(
                      service(id) + "/backupConfiguration",
                      "{\"backupPeriodInHours\":6,\"backupRetentionPeriodInHours\":1080}")
                  .status())
          .isEqualTo(200);
      String backupId =
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(250))
              .until(() -> firstDoneBackup(api, id), b -> b != null);
      String keyId =
          api.post(ORG + "/keys", "{\"name\":\"made before\",\"roles\":[\"developer\"]}")
              .result()
              .at("/key/id")
              .asText();
      assertThat(api.patch(ORG, "{\"name\":\"named before\"}").status()).isEqualTo(200);

      // below the minimum: refused with a clear error, warned about, on the gauge; writes still
      // work
      disk.fillLeaving(MIN_FREE / 2);
      ApiClient.Response refused =
          api.post(
              TestInstallation.services(),
              "{\"name\":\"refused\",\"provider\":\"aws\",\"region\":\"us-east-1\",\"ipAccessList\":[]}");
      assertThat(refused.status()).isEqualTo(507);
      assertThat(refused.error())
          .startsWith(
              "INSUFFICIENT_STORAGE: the disk holding chplane's data directory ("
                  + chplane.dataDir())
          .contains("less than the 48 MiB chplane keeps free (--min-free-disk-mb)");
      assertThat(api.get(TestInstallation.services()).result()).hasSize(1);
      assertThat(warnings.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .anyMatch(
              m ->
                  m.startsWith("the disk holding the data directory " + chplane.dataDir())
                      && m.contains("less than --min-free-disk-mb (48 MiB)"));
      Map<String, Exposition.Family> metrics =
          Exposition.parse(api.getText(ORG + "/prometheus").body());
      Exposition.Sample free = metrics.get("ChplaneDisk_FreeBytes").samples().get(0);
      assertThat(free.labels()).containsEntry("directory", "data");
      assertThat(Long.parseLong(free.value())).isBetween(1L, MIN_FREE);
      assertThat(metrics.get("ChplaneDisk_MinFreeBytes").samples().get(0).value())
          .isEqualTo(Long.toString(MIN_FREE));
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  activityDetails(api)
                      .anyMatch(
                          d ->
                              d.startsWith(
                                  "backup skipped: the disk holding the data directory ("
                                      + chplane.dataDir())));
      assertThat(api.patch(ORG, "{\"name\":\"named while low\"}").status()).isEqualTo(200);

      // full: a write answers that the disk is full, never a 500
      disk.fillCompletely();
      AtomicInteger attempt = new AtomicInteger();
      ApiClient.Response failed =
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(100))
              .until(
                  () ->
                      api.patch(
                          ORG, "{\"name\":\"named while full " + attempt.incrementAndGet() + "\"}"),
                  r -> r.status() != 200);
      assertThat(failed.status()).as(failed.body().toString()).isEqualTo(507);
      assertThat(failed.error())
          .startsWith(
              "INSUFFICIENT_STORAGE: the disk holding chplane's data directory ("
                  + chplane.dataDir()
                  + ") is full")
          .contains("free space on that disk");
      assertThat(failed.body().get("status").asInt()).isEqualTo(507);
      assertThat(failed.body().get("requestId").asText()).isNotEmpty();

      // freed: writes work again and what was stored before is there
      disk.removeFillers();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> api.patch(ORG, "{\"name\":\"named after\"}").status() == 200);
      assertThat(api.get(ORG).result().get("name").asText()).isEqualTo("named after");
      assertThat(api.get(ORG + "/keys/" + keyId).result().get("name").asText())
          .isEqualTo("made before");
      assertThat(api.get(service(id)).result().get("name").asText()).isEqualTo("on a small disk");
      assertThat(api.get(service(id) + "/backups/" + backupId).result().get("status").asText())
          .isEqualTo("done");
      assertThat(activityDetails(api))
          .anyMatch(d -> d.startsWith("backup skipped: the disk holding"));
      JsonNode created =
          chplane.create(
              "{\"name\":\"after\",\"provider\":\"aws\",\"region\":\"us-east-1\",\"ipAccessList\":[]}");
      assertThat(created.at("/service/name").asText()).isEqualTo("after");
      api.delete(service(created.at("/service/id").asText()));
    } finally {
      TestInstallation.MIN_FREE_DISK_BYTES.remove();
      diskLog.detachAppender(warnings);
    }
  }

  private static String firstDoneBackup(ApiClient api, String id) {
    for (JsonNode b : api.get(service(id) + "/backups").result()) {
      if (b.get("status").asText().equals("done")) {
        return b.get("id").asText();
      }
    }
    return null;
  }

  private static java.util.stream.Stream<String> activityDetails(ApiClient api) {
    List<String> details = new java.util.ArrayList<>();
    for (JsonNode a : api.get(ORG + "/activities").result()) {
      details.add(a.path("actorDetails").asText());
    }
    return details.stream();
  }
}
