package dev.chplane.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.chplane.domain.ApiException;
import dev.chplane.domain.ErrorCode;
import dev.chplane.store.StoreException;
import dev.chplane.testing.MovableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class DiskSpaceTest {
  private static final long MORE_THAN_ANY_DISK = 1L << 60;
  private final Logger logger = (Logger) LoggerFactory.getLogger(DiskSpace.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
  @TempDir Path dir;

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  @Test
  void belowTheMinimumServicesAndBackupsAreRefusedAndTheWarningRepeatsOnlyEveryTenMinutes() {
    DiskSpace disk = new DiskSpace(dir, null, MORE_THAN_ANY_DISK, clock);
    assertThatThrownBy(disk::requireRoomForNewService).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_STORAGE);
      assertThat(e.getMessage()).startsWith("the disk holding chplane's data directory (" + dir + ") has ")
          .contains("--min-free-disk-mb");
    });
    assertThat(disk.whyNoBackup()).get().asString().startsWith("the disk holding the data directory (" + dir + ")");
    disk.check();
    assertThat(appender.list).hasSize(1);
    clock.advance(DiskSpace.REPEAT_WARNING.minusSeconds(1));
    disk.check();
    assertThat(appender.list).hasSize(1);
    clock.advance(Duration.ofSeconds(1));
    disk.check();
    assertThat(appender.list).hasSize(2).allSatisfy(e -> assertThat(e.getFormattedMessage())
        .contains("new services and backups are refused until space is freed"));
  }

  @Test
  void aClosedStoreIsExplainedByTheDiskOnlyWhileItIsBelowTheMinimum() {
    StoreException closed = new StoreException("metadata query failed",
        new SQLException("The database has been closed", "90098", 90098));
    StoreException enospc = new StoreException("metadata transaction failed",
        new SQLException("General error", "HY000", 50000, new IOException("No space left on device")));
    assertThat(new DiskSpace(dir, null, MORE_THAN_ANY_DISK, clock).explains(closed)).isTrue();
    assertThat(new DiskSpace(dir, null, 0, clock).explains(closed)).isFalse();
    assertThat(new DiskSpace(dir, null, 0, clock).explains(enospc)).isTrue();
    assertThat(new DiskSpace(dir, null, MORE_THAN_ANY_DISK, clock).explains(new IllegalStateException("bug"))).isFalse();
    assertThat(new DiskSpace(dir, null, 0, clock).full().getMessage())
        .startsWith("the disk holding chplane's data directory (" + dir + ") is full");
  }

  @Test
  void withRoomNothingIsRefusedOrLogged() {
    DiskSpace disk = new DiskSpace(dir, dir.resolve("no such backup directory"), 0, clock);
    disk.requireRoomForNewService();
    assertThat(disk.whyNoBackup()).isEmpty();
    assertThat(disk.check()).hasSize(1).first().satisfies(r -> assertThat(r.directory()).isEqualTo("data"));
    assertThat(appender.list).isEmpty();
  }
}
