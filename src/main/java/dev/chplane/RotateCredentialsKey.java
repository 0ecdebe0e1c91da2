package dev.chplane;

import dev.chplane.pipes.PipeCredentialsKeyRotation;
import dev.chplane.security.CredentialKeyRingFile;
import dev.chplane.security.InstallationKey;
import dev.chplane.store.MetadataStore;
import dev.chplane.store.MetadataStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import org.h2.api.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code chplane rotate-credentials-key}: replaces the key that encrypts ClickPipes credentials.
 */
@Command(
    name = "rotate-credentials-key",
    mixinStandardHelpOptions = true,
    description = {
      "Replace the key that encrypts stored ClickPipes credentials: add a new key to"
          + " DATA_DIR/secrets/"
          + CredentialKeyRingFile.NAME
          + ", re-encrypt every pipe's credentials with it,"
          + " then remove the old keys.",
      "Run it while chplane is stopped. If it is interrupted, every credential stays readable and running it"
          + " again finishes the job. The installation key (DATA_DIR/secrets/installation.key) is not changed."
    })
final class RotateCredentialsKey implements Callable<Integer> {
  @Mixin InstallationOptions installation;

  @Override
  public Integer call() {
    Path dataDir = installation.dataDir.toAbsolutePath();
    Path installationKey = InstallationKey.file(dataDir);
    if (!Files.exists(installationKey)) {
      System.err.println(
          "chplane: "
              + dataDir
              + " is not a chplane data directory (it has no secrets/installation.key)");
      return 2;
    }
    CredentialKeyRingFile ringFile =
        new CredentialKeyRingFile(
            dataDir.resolve("secrets"), InstallationKey.loadOrCreate(installationKey));
    MetadataStore store;
    try {
      store = MetadataStores.open(installation.store, dataDir);
    } catch (RuntimeException e) {
      System.err.println(
          "chplane: "
              + (embeddedStoreInUse(e)
                  ? "chplane is running on "
                      + dataDir
                      + " (its embedded metadata store is in use): stop it, then rotate"
                  : "cannot open the metadata store: "
                      + e.getMessage().lines().findFirst().orElse("")
                      + "\nRun the rotation while chplane is stopped: a running chplane keeps the old keys."));
      return 2;
    }
    try (store) {
      new PipeCredentialsKeyRotation(store, ringFile, System.out).run();
      System.out.println("done; start chplane again");
      return 0;
    } catch (RuntimeException e) {
      System.err.println(
          "chplane: the rotation stopped: "
              + e.getMessage()
              + "\nEvery stored credential is still readable with the keys in the ring; run the command again to finish.");
      return 1;
    }
  }

  private static boolean embeddedStoreInUse(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql
          && sql.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1) {
        return true;
      }
    }
    return false;
  }
}
