package dev.chplane.pipes;

import dev.chplane.domain.ClickPipe;
import dev.chplane.security.CredentialCipher;
import dev.chplane.security.CredentialKeyRing;
import dev.chplane.security.CredentialKeyRingFile;
import dev.chplane.store.MetadataStore;
import java.io.PrintStream;
import java.util.List;

/**
 * Rotates the key that seals pipe credentials, for an installation whose chplane is stopped. Its
 * three steps each leave every stored value readable, so that a crash anywhere followed by another
 * run finishes the job: (1) a fresh key joins the ring file, the old keys stay; (2) every pipe's
 * credentials are re-encrypted with it in one store transaction; (3) only then do the old keys
 * (including the one derived from the installation key) leave the ring. It prints key ids and
 * counts, never keys or credentials.
 */
public final class PipeCredentialsKeyRotation {
  private final MetadataStore store;
  private final CredentialKeyRingFile ringFile;
  private final PrintStream progress;

  public PipeCredentialsKeyRotation(
      MetadataStore store, CredentialKeyRingFile ringFile, PrintStream progress) {
    this.store = store;
    this.ringFile = ringFile;
    this.progress = progress;
  }

  /** Runs the three steps; returns the ring that remains. */
  public CredentialKeyRing run() {
    CredentialKeyRing ring = addKey();
    reEncrypt(ring);
    return retireOldKeys(ring);
  }

  CredentialKeyRing addKey() {
    CredentialKeyRing ring = ringFile.loadOrCreate().withFreshKey();
    ringFile.save(ring);
    progress.println(
        "added key "
            + ring.sealingKey().id()
            + " to "
            + ringFile.path()
            + " (it holds "
            + String.join(", ", ring.ids())
            + ")");
    return ring;
  }

  void reEncrypt(CredentialKeyRing ring) {
    CredentialCipher cipher = new CredentialCipher(ring);
    List<ClickPipe> pipes = store.listAllPipes();
    List<ClickPipe> stale =
        pipes.stream()
            .filter(
                p ->
                    p.encryptedCredentials() != null
                        && !cipher.isSealedWithSealingKey(p.encryptedCredentials()))
            .toList();
    // one transaction: a pipe changed meanwhile (version check) rolls all of it back
    store.inTransaction(
        tx -> {
          for (ClickPipe pipe : stale) {
            tx.updatePipe(
                pipe.withCredentials(
                    cipher.encrypt(cipher.decrypt(pipe.encryptedCredentials())), pipe.updatedAt()));
          }
          return null;
        });
    long without = pipes.stream().filter(p -> p.encryptedCredentials() == null).count();
    progress.println(
        "re-encrypted the credentials of "
            + stale.size()
            + " of "
            + pipes.size()
            + " pipes with key "
            + ring.sealingKey().id()
            + " ("
            + without
            + " have none, "
            + (pipes.size() - without - stale.size())
            + " had it already)");
  }

  CredentialKeyRing retireOldKeys(CredentialKeyRing ring) {
    CredentialKeyRing remaining = ring.withOnlySealingKey();
    CredentialCipher cipher = new CredentialCipher(remaining);
    for (ClickPipe pipe : store.listAllPipes()) {
      if (pipe.encryptedCredentials() != null
          && !cipher.isSealedWithSealingKey(pipe.encryptedCredentials())) {
        throw new IllegalStateException(
            "pipe "
                + pipe.id()
                + " was sealed again with an old key while rotating"
                + " (is chplane running?); the old keys stay; stop chplane and run the rotation again");
      }
    }
    ringFile.save(remaining);
    List<String> retired =
        ring.ids().stream().filter(id -> !id.equals(remaining.sealingKey().id())).toList();
    progress.println(
        "removed key(s) "
            + String.join(", ", retired)
            + " from the ring; it holds "
            + remaining.sealingKey().id()
            + " alone");
    return remaining;
  }
}
