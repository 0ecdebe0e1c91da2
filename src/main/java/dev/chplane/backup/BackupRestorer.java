package dev.chplane.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.provision.PartTransfer;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.ReplicatedEngines;
import dev.chplane.provision.ReplicatedTables;
import dev.chplane.provision.ServiceAccess;
import dev.chplane.provision.ServiceConnector;
import dev.chplane.provision.Sql;
import java.io.IOException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a backup into an empty, running service: creates its databases and tables (tables first,
 * then views, whose inner tables the views create), and has the provisioner place and attach each
 * part.
 */
final class BackupRestorer {
  private static final Logger log = LoggerFactory.getLogger(BackupRestorer.class);

  private final ServiceConnector servers;
  private final BackupStorage storage;
  private final ObjectMapper json;
  private final ReplicatedTables tables = new ReplicatedTables();

  BackupRestorer(ServiceConnector servers, BackupStorage storage, ObjectMapper json) {
    this.servers = servers;
    this.storage = storage;
    this.json = json;
  }

  BackupManifest manifest(UUID backupId) throws IOException {
    return json.readValue(storage.getBytes(StorageKeys.manifest(backupId)), BackupManifest.class);
  }

  void restore(UUID backupId, UUID serviceId) throws ProvisionException, IOException {
    restore(backupId, serviceId, 1);
  }

  /**
   * Creates the backup's databases and tables on each of the service's {@code replicas} replicas,
   * plain MergeTree-family tables as their Replicated counterparts where the servers can replicate
   * (a table backed up from a Replicated table keeps its path, relative to this service's own
   * ZooKeeper root), then attaches the parts on one replica; the others fetch them.
   */
  void restore(UUID backupId, UUID serviceId, int replicas) throws ProvisionException, IOException {
    BackupManifest manifest = manifest(backupId);
    for (int replica = 0; replica < replicas; replica++) {
      createSchema(manifest, servers.replicaAccess(serviceId, replica));
    }
    PartTransfer transfer = servers.parts(serviceId);
    long parts = 0;
    for (BackupManifest.Table t : manifest.tables()) {
      if (t.parts().isEmpty()) {
        continue;
      }
      for (BackupManifest.Part part : t.parts()) {
        transfer.attachPart(
            t.database(),
            t.name(),
            part.name(),
            part.files(),
            (file, to) -> storage.getFile(part.key() + "/" + file, to));
        parts++;
      }
    }
    log.info(
        "restored backup {} into service {}: {} tables, {} parts",
        backupId,
        serviceId,
        manifest.tables().size(),
        parts);
  }

  private void createSchema(BackupManifest manifest, ServiceAccess target)
      throws ProvisionException {
    boolean replicate = tables.configured(target::query);
    for (String db : manifest.databases()) {
      target.query("CREATE DATABASE IF NOT EXISTS " + Sql.name(db));
    }
    for (boolean views : new boolean[] {false, true}) {
      for (BackupManifest.Table t : manifest.tables()) {
        if (isView(t) == views && !t.name().startsWith(".inner.")) {
          target.query(
              replicate ? ReplicatedEngines.replicatedIfPlain(t.createQuery()) : t.createQuery());
        }
      }
    }
  }

  private static boolean isView(BackupManifest.Table t) {
    return t.engine().equals("View") || t.engine().equals("MaterializedView");
  }
}
