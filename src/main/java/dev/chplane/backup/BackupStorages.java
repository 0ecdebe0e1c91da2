package dev.chplane.backup;

import java.nio.file.Path;

/** Opens the backup storage that {@code --backup-storage} names. */
public final class BackupStorages {
  private BackupStorages() {}

  /**
   * @param spec null or blank for {@code dataDir/backups}; otherwise a directory path
   */
  public static BackupStorage open(String spec, Path dataDir) {
    if (spec == null || spec.isBlank()) {
      return new DirectoryStorage(dataDir.resolve("backups"));
    }
    if (spec.startsWith("s3://")) {
      throw new IllegalArgumentException("--backup-storage " + spec + ": S3 backup storage is not available in this"
          + " version; use a directory");
    }
    return new DirectoryStorage(Path.of(spec));
  }
}
