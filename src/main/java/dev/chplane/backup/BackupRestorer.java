package dev.chplane.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.ServiceData;
import dev.chplane.provision.ServiceDeployment;
import dev.chplane.provision.Sql;
import dev.chplane.security.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a backup into an empty, running service: creates its databases and tables (tables
 * first, then views, whose inner tables the views create), copies each part into the table's
 * {@code detached} directory and attaches it.
 */
final class BackupRestorer {
  private static final Logger log = LoggerFactory.getLogger(BackupRestorer.class);

  private final ServiceData data;
  private final BackupStorage storage;
  private final ObjectMapper json;

  BackupRestorer(ServiceData data, BackupStorage storage, ObjectMapper json) {
    this.data = data;
    this.storage = storage;
    this.json = json;
  }

  BackupManifest manifest(UUID backupId) throws IOException {
    return json.readValue(storage.getBytes(StorageKeys.manifest(backupId)), BackupManifest.class);
  }

  void restore(UUID backupId, ServiceDeployment target) throws ProvisionException, IOException {
    BackupManifest manifest = manifest(backupId);
    for (String db : manifest.databases()) {
      data.query(target, "CREATE DATABASE IF NOT EXISTS " + Sql.name(db));
    }
    for (boolean views : new boolean[] {false, true}) {
      for (BackupManifest.Table t : manifest.tables()) {
        if (isView(t) == views && !t.name().startsWith(".inner.")) {
          data.query(target, t.createQuery());
        }
      }
    }
    long parts = 0;
    for (BackupManifest.Table t : manifest.tables()) {
      if (t.parts().isEmpty()) {
        continue;
      }
      Path detached = data.detachedDirectory(target, t.database(), t.name());
      for (BackupManifest.Part part : t.parts()) {
        Path dir = detached.resolve(part.name());
        OwnerOnlyFiles.createDirectories(dir);
        for (String file : part.files()) {
          Path to = dir.resolve(file);
          OwnerOnlyFiles.createDirectories(to.getParent());
          Files.deleteIfExists(to);
          storage.getFile(part.key() + "/" + file, to);
          // the part becomes the server's own, which keeps its files owner-only
          OwnerOnlyFiles.restrict(to);
        }
        data.query(target, "ALTER TABLE " + Sql.name(t.database()) + "." + Sql.name(t.name()) + " ATTACH PART "
            + Sql.literal(part.name()));
        parts++;
      }
    }
    log.info("restored backup {} into service {}: {} tables, {} parts", backupId, target.serviceId(),
        manifest.tables().size(), parts);
  }

  private static boolean isView(BackupManifest.Table t) {
    return t.engine().equals("View") || t.engine().equals("MaterializedView");
  }
}
