package dev.chplane.backup;

import java.util.List;
import java.util.UUID;

/**
 * What one backup holds, stored last (at {@code backups/<id>/manifest.json}) so that its presence
 * means every part it names is already durable. Each table lists all the parts the restore needs,
 * including those an earlier backup of the chain stored.
 */
record BackupManifest(
    UUID backupId,
    UUID serviceId,
    String type,
    UUID chainId,
    String startedAt,
    String clickhouseVersion,
    List<String> databases,
    List<Table> tables) {

  /** A table: how to create it and, for MergeTree-family engines, its parts. */
  record Table(String database, String name, String engine, String createQuery, List<Part> parts) {}

  /** One part: its name in the table and the storage key prefix of its files. */
  record Part(String name, String key, List<String> files, long bytes) {}
}
