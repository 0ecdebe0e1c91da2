package dev.chplane.startup;

import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Service;
import dev.chplane.security.CredentialKeyRingFile;
import dev.chplane.security.InstallationKey;
import dev.chplane.store.MetadataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Compares the metadata store with the data directory before chplane changes anything, so that a
 * wrong {@code --store}, a wrong {@code --data-dir} or a lost metadata database stops the start
 * instead of deleting data or making services again empty.
 *
 * <p>Invariants it relies on: a service's row is written before its directory is made and deleted
 * after its directory is removed, so after any crash every service directory has a row (the
 * directories are listed before the rows, so a service created meanwhile by another chplane on a
 * shared PostgreSQL store is not taken for unknown); a service has files once its server has
 * answered ({@link Service#clickhouseVersion()} is set), until it is deleted; the installation key,
 * the CA and the pipe-credentials key ring are made at the first start, before any service exists.
 */
public final class InstallationCheck {
  /** How the operator asked chplane to treat what does not match. */
  public record Options(boolean quarantineUnknownServices, boolean acceptMissingServiceFiles) {}

  /**
   * What start-up goes on with.
   *
   * @param unknown service directories that belong to no service in the store
   * @param missing services that had files, whose directory is gone (only with {@link
   *     Options#acceptMissingServiceFiles()}; the reconciler marks them failed)
   */
  public record Findings(Set<UUID> unknown, List<UUID> missing) {}

  private static final int NAMED = 3;

  private InstallationCheck() {}

  /**
   * @param presentDirectories the service directories under {@code dataDir/services}, listed before
   *     this call reads the store
   * @param storeName how the operator would recognize the store, e.g. {@code the embedded store in
   *     DATA_DIR/meta}
   * @throws StartRefused when the store and the directory do not belong together
   */
  public static Findings check(
      Path dataDir,
      MetadataStore store,
      String storeName,
      Set<UUID> presentDirectories,
      Options options) {
    List<Service> services = store.listAllServices();
    Set<UUID> known = services.stream().map(Service::id).collect(Collectors.toSet());
    Set<UUID> unknown = new HashSet<>(presentDirectories);
    unknown.removeAll(known);
    List<Service> live =
        services.stream().filter(s -> s.desiredState() != DesiredState.DELETED).toList();

    List<String> missingFiles = new ArrayList<>();
    if (!live.isEmpty()) {
      for (Path file :
          List.of(
              dataDir.resolve("tls/ca.pem"),
              dataDir.resolve("tls/ca.key"),
              InstallationKey.file(dataDir))) {
        if (!Files.exists(file)) {
          missingFiles.add(dataDir.relativize(file).toString());
        }
      }
      Path ring = dataDir.resolve("secrets").resolve(CredentialKeyRingFile.NAME);
      if (!Files.exists(ring) && !store.listAllPipes().isEmpty()) {
        missingFiles.add(dataDir.relativize(ring).toString());
      }
    }
    if (!missingFiles.isEmpty()) {
      throw new StartRefused(
          storeName
              + " lists "
              + count(live.size(), "service")
              + " but "
              + dataDir
              + " has no "
              + String.join(", ", missingFiles)
              + ": check that --data-dir is the directory this store"
              + " was used with (or restore these files from a backup of it); nothing was changed, and chplane does"
              + " not make new ones while the store has services");
    }

    List<UUID> missing =
        live.stream()
            .filter(s -> s.clickhouseVersion() != null)
            .map(Service::id)
            .filter(id -> !presentDirectories.contains(id))
            .toList();
    if (!missing.isEmpty() && !options.acceptMissingServiceFiles()) {
      throw new StartRefused(
          storeName
              + " lists "
              + count(missing.size(), "service")
              + " whose files are missing from "
              + dataDir.resolve("services")
              + " ("
              + names(missing)
              + "): check that --data-dir is right or restore those"
              + " directories from a backup; if they are lost for good, start with --accept-missing-service-files and"
              + " those services are marked failed (never made again empty); nothing was changed");
    }

    if (services.isEmpty()) {
      refuseEmptyStore(dataDir, storeName, unknown, options);
    }
    return new Findings(Set.copyOf(unknown), missing);
  }

  /**
   * For a store that does not exist yet (the embedded one, before opening it makes it): refuses as
   * {@link #check} would for an empty store, so that a refused start leaves no new empty store
   * behind.
   */
  public static void checkBeforeMakingStore(
      Path dataDir, String storeName, Set<UUID> presentDirectories, Options options) {
    refuseEmptyStore(dataDir, storeName, presentDirectories, options);
  }

  private static void refuseEmptyStore(
      Path dataDir, String storeName, Set<UUID> unknown, Options options) {
    if (!unknown.isEmpty() && !options.quarantineUnknownServices()) {
      throw new StartRefused(
          storeName
              + " has no services, but "
              + dataDir.resolve("services")
              + " holds "
              + count(unknown.size(), "service directory", "service directories")
              + " ("
              + names(unknown)
              + "): check"
              + " that --store names the database this data directory was used with, that --data-dir is right, and"
              + " whether the metadata database was lost (restore it from a backup); to start anyway, pass"
              + " --quarantine-unknown-services to move them to "
              + dataDir.resolve("quarantine")
              + "; nothing was changed");
    }
  }

  static String names(java.util.Collection<UUID> ids) {
    List<String> sorted = ids.stream().map(UUID::toString).sorted().toList();
    String shown = String.join(", ", sorted.subList(0, Math.min(NAMED, sorted.size())));
    return sorted.size() > NAMED ? shown + " and " + (sorted.size() - NAMED) + " more" : shown;
  }

  private static String count(int n, String one) {
    return count(n, one, one + "s");
  }

  private static String count(int n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
