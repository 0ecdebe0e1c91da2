package dev.chplane.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class DiskFullTest {
  @Test
  void aFullDiskIsFoundAnywhereInTheCauseChain() {
    // as H2 reports a failed write, and then every use of the store it closed
    IOException enospc = new IOException("No space left on device");
    SQLException general =
        new SQLException(
            "General error: \"MVStoreException: Writing ... failed\"",
            "HY000",
            50000,
            new IllegalStateException("Writing to FileChannel failed", enospc));
    SQLException closed =
        new SQLException(
            "The database has been closed",
            "90098",
            90098,
            new IllegalStateException("Writing to FileChannel failed", enospc));
    assertThat(DiskFull.causedBy(new StoreException("metadata transaction failed", general)))
        .isTrue();
    assertThat(DiskFull.causedBy(new StoreException("metadata query failed", closed))).isTrue();
    assertThat(DiskFull.causedBy(new UncheckedIOException(new IOException("Disk quota exceeded"))))
        .isTrue();
    assertThat(DiskFull.causedBy(new SQLException("No disk space available", "90100", 90100)))
        .isTrue();
    RuntimeException suppressing = new RuntimeException("cleanup failed");
    suppressing.addSuppressed(enospc);
    assertThat(DiskFull.causedBy(suppressing)).isTrue();
  }

  @Test
  void otherFailuresAreNot() {
    assertThat(
            DiskFull.causedBy(
                new StoreException(
                    "metadata query failed",
                    new SQLException("The database has been closed", "90098", 90098))))
        .isFalse();
    assertThat(DiskFull.causedBy(new IOException("Permission denied"))).isFalse();
    RuntimeException cyclic = new RuntimeException("a");
    RuntimeException other = new RuntimeException("b", cyclic);
    cyclic.initCause(other);
    assertThat(DiskFull.causedBy(cyclic)).isFalse();
  }
}
