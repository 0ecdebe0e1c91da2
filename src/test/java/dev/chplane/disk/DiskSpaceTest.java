package dev.chplane.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chplane.domain.DomainException;
import dev.chplane.store.StoreException;
import dev.chplane.testing.LogCapture;
import dev.chplane.testing.MovableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class DiskSpaceTest {
  private static final long MORE_THAN_ANY_DISK = 1L << 60;
  @RegisterExtension final LogCapture log = new LogCapture(DiskSpace.class);
  private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
  @TempDir Path dir;

  @Test
  void belowTheMinimumServicesAndBackupsAreRefusedAndTheWarningRepeatsOnlyEveryTenMinutes() {
    DiskSpace disk = new DiskSpace(dir, null, MORE_THAN_ANY_DISK, clock);
    assertThatThrownBy(disk::requireRoomForNewService)
        .isInstanceOfSatisfying(
            DomainException.StorageFull.class,
            e -> {
              assertThat(e.getMessage())
                  .startsWith("the disk holding chplane's data directory (" + dir + ") has ")
                  .contains("--min-free-disk-mb");
            });
    assertThat(disk.whyNoBackup())
        .get()
        .asString()
        .startsWith("the disk holding the data directory (" + dir + ")");
    disk.check();
    assertThat(log.events()).hasSize(1);
    clock.advance(DiskSpace.REPEAT_WARNING.minusSeconds(1));
    disk.check();
    assertThat(log.events()).hasSize(1);
    clock.advance(Duration.ofSeconds(1));
    disk.check();
    assertThat(log.events())
        .hasSize(2)
        .allSatisfy(
            e ->
                assertThat(e.getFormattedMessage())
                    .contains("new services and backups are refused until space is freed"));
  }

  @Test
  void aClosedStoreIsExplainedByTheDiskOnlyWhileItIsBelowTheMinimum() {
    StoreException closed =
        new StoreException(
            "metadata query failed",
            new SQLException("The database has been closed", "90098", 90098));
    StoreException enospc =
        new StoreException(
            "metadata transaction failed",
            new SQLException(
                "General error", "HY000", 50000, new IOException("No space left on device")));
    assertThat(new DiskSpace(dir, null, MORE_THAN_ANY_DISK, clock).explains(closed)).isTrue();
    assertThat(new DiskSpace(dir, null, 0, clock).explains(closed)).isFalse();
    assertThat(new DiskSpace(dir, null, 0, clock).explains(enospc)).isTrue();
    assertThat(
            new DiskSpace(dir, null, MORE_THAN_ANY_DISK, clock)
                .explains(new IllegalStateException("bug")))
        .isFalse();
    assertThat(new DiskSpace(dir, null, 0, clock).full().getMessage())
        .startsWith("the disk holding chplane's data directory (" + dir + ") is full");
  }

  @Test
  void withRoomNothingIsRefusedOrLogged() {
    DiskSpace disk = new DiskSpace(dir, dir.resolve("no such backup directory"), 0, clock);
    disk.requireRoomForNewService();
    assertThat(disk.whyNoBackup()).isEmpty();
    assertThat(disk.check())
        .hasSize(1)
        .first()
        .satisfies(r -> assertThat(r.directory()).isEqualTo("data"));
    assertThat(log.events()).isEmpty();
  }
}
