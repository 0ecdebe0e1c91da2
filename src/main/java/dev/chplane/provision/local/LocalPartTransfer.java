package dev.chplane.provision.local;

import dev.chplane.provision.PartTransfer;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.ServiceAccess;
import dev.chplane.provision.Sql;
import dev.chplane.security.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PartTransfer} for one server run by {@link LocalProcessProvisioner}, on its disk: frozen
 * parts appear under {@code data/shadow/<n>/} of the service directory, where {@code n} is the
 * number the server writes to {@code shadow/increment.txt}; parts to attach go to the table's
 * {@code detached} directory.
 */
final class LocalPartTransfer implements PartTransfer {
  private static final Logger log = LoggerFactory.getLogger(LocalPartTransfer.class);

  private final Path serviceDir;
  private final ServiceAccess access;

  LocalPartTransfer(Path serviceDir, ServiceAccess access) {
    this.serviceDir = serviceDir.toAbsolutePath();
    this.access = access;
  }

  @Override
  public FrozenTable freeze(String database, String table) throws ProvisionException {
    access.query("ALTER TABLE " + Sql.name(database) + "." + Sql.name(table) + " FREEZE");
    Path shadow = serviceDir.resolve("data/shadow");
    Path frozen;
    try {
      String n = Files.readString(shadow.resolve("increment.txt"), StandardCharsets.UTF_8).strip();
      frozen = shadow.resolve(n);
    } catch (IOException e) {
      throw new ProvisionException(
          "cannot find the freeze of " + database + "." + table + ": " + e.getMessage(), e);
    }
    List<FrozenPart> parts;
    // a freeze holds exactly one table: data/<escaped db>/<escaped table>/<part>
    try (Stream<Path> found =
        Files.exists(frozen.resolve("data"))
            ? Files.walk(frozen.resolve("data"), 3)
            : Stream.empty()) {
      parts =
          found
              .filter(p -> frozen.resolve("data").relativize(p).getNameCount() == 3)
              .filter(Files::isDirectory)
              .sorted()
              .map(LocalPartTransfer::frozenPart)
              .toList();
    } catch (IOException | UncheckedIOException e) {
      throw new ProvisionException(
          "cannot list the frozen parts of " + database + "." + table + ": " + e.getMessage(), e);
    }
    return new FrozenTable() {
      @Override
      public List<FrozenPart> parts() {
        return parts;
      }

      @Override
      public void close() {
        deleteTree(frozen);
      }
    };
  }

  private static FrozenPart frozenPart(Path part) {
    List<String> files;
    try (Stream<Path> walk = Files.walk(part)) {
      files =
          walk.filter(Files::isRegularFile)
              .sorted()
              .map(f -> part.relativize(f).toString())
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new FrozenPart() {
      @Override
      public String name() {
        return part.getFileName().toString();
      }

      @Override
      public List<String> files() {
        return files;
      }

      @Override
      public long size(String file) throws IOException {
        return Files.size(part.resolve(file));
      }

      @Override
      public byte[] read(String file) throws IOException {
        return Files.readAllBytes(part.resolve(file));
      }

      @Override
      public void copyOut(String file, FileSink sink) throws IOException {
        sink.accept(part.resolve(file));
      }
    };
  }

  @Override
  public void releaseAllFreezes() {
    Path shadow = serviceDir.resolve("data/shadow");
    if (!Files.isDirectory(shadow)) {
      return;
    }
    try (Stream<Path> entries = Files.list(shadow)) {
      entries.filter(Files::isDirectory).forEach(LocalPartTransfer::deleteTree);
    } catch (IOException e) {
      log.warn(
          "cannot clean the freezes of service {}: {}", serviceDir.getFileName(), e.getMessage());
    }
  }

  @Override
  public void attachPart(
      String database, String table, String partName, List<String> files, PartSource source)
      throws ProvisionException, IOException {
    Path dir = detachedDirectory(database, table).resolve(partName);
    OwnerOnlyFiles.createDirectories(dir);
    for (String file : files) {
      Path to = dir.resolve(file);
      OwnerOnlyFiles.createDirectories(to.getParent());
      Files.deleteIfExists(to);
      source.writeTo(file, to);
      // the part becomes the server's own, which keeps its files owner-only
      OwnerOnlyFiles.restrict(to);
    }
    access.query(
        "ALTER TABLE "
            + Sql.name(database)
            + "."
            + Sql.name(table)
            + " ATTACH PART "
            + Sql.literal(partName));
  }

  /** The directory where parts are placed for {@code ALTER TABLE ... ATTACH PART}. */
  private Path detachedDirectory(String database, String table) throws ProvisionException {
    String path =
        access
            .query(
                "SELECT data_path FROM system.tables WHERE database = "
                    + Sql.literal(database)
                    + " AND name = "
                    + Sql.literal(table)
                    + " FORMAT TSVRaw")
            .strip();
    if (path.isEmpty()) {
      throw new ProvisionException("table " + database + "." + table + " has no data path");
    }
    Path detached = Path.of(path).resolve("detached");
    if (!detached.toAbsolutePath().startsWith(serviceDir)) {
      throw new ProvisionException(
          "table "
              + database
              + "."
              + table
              + " keeps its data outside the service directory: "
              + path);
    }
    return detached;
  }

  private static void deleteTree(Path dir) {
    try {
      FileTrees.delete(dir);
    } catch (IOException e) {
      log.warn("cannot delete the freeze {}: {}", dir, e.getMessage());
    }
  }
}
