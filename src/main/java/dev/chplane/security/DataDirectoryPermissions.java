package dev.chplane.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes the data directory owner-only at every start: the directory itself (so that no other local
 * user can reach anything in it), and chplane's own files in it, which an earlier version wrote
 * with the umask's modes. The contents of the servers' data directories and of backup storage are
 * not walked (they can be large); the directories above them are owner-only, and new files in them
 * are written owner-only.
 */
public final class DataDirectoryPermissions {
  private static final List<String> OWN =
      List.of("meta", "secrets", "tls", "bootstrap-key.txt", "services", "backups");

  private DataDirectoryPermissions() {}

  /** Creates {@code dataDir} if needed and makes it and chplane's files in it owner-only. */
  public static void restrict(Path dataDir) {
    Path root = dataDir.toAbsolutePath();
    try {
      OwnerOnlyFiles.createDirectories(root);
      Path services = root.resolve("services");
      Path backups = root.resolve("backups");
      for (String name : OWN) {
        OwnerOnlyFiles.restrictTree(
            root.resolve(name),
            p ->
                p.equals(backups)
                    || (p.getParent() != null
                        && p.getParent().getParent() != null
                        && p.getParent().getParent().equals(services)
                        && p.getFileName().toString().equals("data")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the data directory " + root + " owner-only", e);
    }
  }
}
