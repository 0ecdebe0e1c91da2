package dev.chplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory written by an earlier version with the umask's modes, made owner-only at start.
 */
class DataDirectoryPermissionsTest {
  @TempDir Path tmp;

  private static void make(Path file, String mode) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "x");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void chplanesOwnFilesAndTheDirectoriesAboveTheServersDataBecomeOwnerOnly() throws Exception {
    Path data = tmp.resolve("data");
    String service = "services/6f4c1c52-0000-4000-8000-000000000001";
    for (String file :
        new String[] {
          "meta/chplane.mv.db",
          "secrets/installation.key",
          "tls/ca.pem",
          "bootstrap-key.txt",
          service + "/users.xml",
          service + "/config.xml",
          service + "/log/server.log"
        }) {
      make(data.resolve(file), "rw-r--r--");
    }
    make(data.resolve(service + "/data/data/default/t/all_1_1_0/id.bin"), "r--r--r--");
    make(data.resolve("backups/services/x/manifest.json"), "rw-r--r--");
    make(data.resolve("elsewhere/file"), "rw-r--r--");
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

    DataDirectoryPermissions.restrict(data);

    assertThat(mode(data)).isEqualTo("rwx------");
    for (String file :
        new String[] {
          "meta/chplane.mv.db",
          "secrets/installation.key",
          "tls/ca.pem",
          "bootstrap-key.txt",
          service + "/users.xml",
          service + "/config.xml",
          service + "/log/server.log"
        }) {
      assertThat(mode(data.resolve(file))).as(file).isEqualTo("rw-------");
    }
    for (String dir :
        new String[] {
          "meta",
          "secrets",
          "tls",
          "services",
          service,
          service + "/log",
          service + "/data",
          "backups"
        }) {
      assertThat(mode(data.resolve(dir))).as(dir).isEqualTo("rwx------");
    }
    // not walked (it can be large): closed by the owner-only directories above
    assertThat(mode(data.resolve(service + "/data/data/default/t/all_1_1_0/id.bin")))
        .isEqualTo("r--r--r--");
    assertThat(mode(data.resolve("backups/services/x/manifest.json"))).isEqualTo("rw-r--r--");
    assertThat(mode(data.resolve("elsewhere/file"))).as("not chplane's").isEqualTo("rw-r--r--");
  }

  @Test
  void aMissingDataDirectoryIsCreatedOwnerOnly() throws Exception {
    Path data = tmp.resolve("new/data");
    DataDirectoryPermissions.restrict(data);
    assertThat(mode(data)).isEqualTo("rwx------");
  }
}
