package dev.chplane.backup;

import java.nio.file.Path;

/** Opens the backup storage that {@code --backup-storage} names. */
public final class BackupStorages {
  private BackupStorages() {}

  /**
   * @param spec null or blank for {@code dataDir/backups}; {@code
   *     s3://bucket/prefix?endpoint=…&region=…} for an S3 bucket; otherwise a directory path
   */
  public static BackupStorage open(String spec, Path dataDir) {
    if (spec == null || spec.isBlank()) {
      return new DirectoryStorage(dataDir.resolve("backups"));
    }
    if (spec.startsWith("s3://")) {
      return S3Storage.open(spec);
    }
    return new DirectoryStorage(Path.of(spec));
  }
}
