package dev.chplane.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.domain.Backup;
import dev.chplane.domain.Service;
import dev.chplane.provision.PartTransfer;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.ServiceAccess;
import dev.chplane.provision.ServiceConnector;
import dev.chplane.security.Hashes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one backup of a running service: freezes each MergeTree-family table, copies the parts its
 * chain does not hold yet to backup storage, and writes the manifest last. Other tables (views,
 * Memory, Log) are kept as their CREATE statements only.
 */
final class BackupRunner {
  private static final Logger log = LoggerFactory.getLogger(BackupRunner.class);

  private final ServiceConnector servers;
  private final BackupStorage storage;
  private final ObjectMapper json;

  BackupRunner(ServiceConnector servers, BackupStorage storage, ObjectMapper json) {
    this.servers = servers;
    this.storage = storage;
    this.json = json;
  }

  /** The manifest written and the bytes this backup added to storage. */
  record Result(BackupManifest manifest, long addedBytes) {}

  Result run(Service service, Backup backup) throws ProvisionException, IOException {
    ServiceAccess d = servers.access(service.id());
    PartTransfer transfer = servers.parts(service.id());
    List<String> databases = new ArrayList<>();
    for (JsonNode row :
        rows(d, "SELECT name FROM system.databases WHERE name != 'system' ORDER BY name")) {
      databases.add(row.get("name").asText());
    }
    List<BackupManifest.Table> tables = new ArrayList<>();
    long added = 0;
    for (JsonNode row :
        rows(
            d,
            "SELECT database, name, engine, create_table_query FROM system.tables"
                + " WHERE database != 'system' AND NOT is_temporary ORDER BY database, name")) {
      String db = row.get("database").asText();
      String name = row.get("name").asText();
      String engine = row.get("engine").asText();
      List<BackupManifest.Part> parts = new ArrayList<>();
      if (engine.endsWith("MergeTree")) {
        try (PartTransfer.FrozenTable frozen = transfer.freeze(db, name)) {
          for (PartTransfer.FrozenPart part : frozen.parts()) {
            Stored stored = storePart(service, backup, db, name, part);
            parts.add(stored.part());
            added += stored.addedBytes();
          }
        }
      }
      tables.add(
          new BackupManifest.Table(
              db, name, engine, row.get("create_table_query").asText(), parts));
    }
    BackupManifest manifest =
        new BackupManifest(
            backup.id(),
            service.id(),
            backup.type().wire(),
            backup.chainId(),
            backup.startedAt().toString(),
            service.clickhouseVersion(),
            databases,
            tables);
    byte[] body = json.writeValueAsBytes(manifest);
    storage.putBytes(StorageKeys.manifest(backup.id()), body);
    return new Result(manifest, added + body.length);
  }

  /** A part as the manifest names it, and the bytes storing it added (0 when the chain had it). */
  private record Stored(BackupManifest.Part part, long addedBytes) {}

  /** Copies a part unless its chain holds it already. */
  private Stored storePart(
      Service service, Backup backup, String db, String table, PartTransfer.FrozenPart part)
      throws IOException {
    String fingerprint =
        HexFormat.of().formatHex(Hashes.sha256(part.read("checksums.txt"))).substring(0, 24);
    String name = part.name();
    String key = StorageKeys.part(service.id(), backup.chainId(), db, table, name, fingerprint);
    List<String> relative = part.files();
    long bytes = 0;
    for (String f : relative) {
      bytes += part.size(f);
    }
    BackupManifest.Part entry = new BackupManifest.Part(name, key, relative, bytes);
    if (storage.exists(StorageKeys.complete(key))) {
      return new Stored(entry, 0);
    }
    for (String f : relative) {
      part.copyOut(f, file -> storage.putFile(key + "/" + f, file));
    }
    storage.putBytes(StorageKeys.complete(key), json.writeValueAsBytes(relative));
    log.debug("backup {}: stored part {}.{} {} ({} bytes)", backup.id(), db, table, name, bytes);
    return new Stored(entry, bytes);
  }

  private List<JsonNode> rows(ServiceAccess d, String sql) throws ProvisionException, IOException {
    String body = d.query(sql + " FORMAT JSONEachRow");
    List<JsonNode> out = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (!line.isBlank()) {
        out.add(json.readTree(line));
      }
    }
    return out;
  }
}
