package dev.chplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallationKeyTest {

  @TempDir Path dir;

  @Test
  void deriveIsStableAcrossReloadsOfTheSameFile() {
    Path file = dir.resolve("installation.key");
    String first = InstallationKey.loadOrCreate(file).derive("service-1");
    assertThat(InstallationKey.loadOrCreate(file).derive("service-1")).isEqualTo(first);
  }

  @Test
  void deriveGivesSixtyFourHexCharacters() {
    assertThat(InstallationKey.loadOrCreate(dir.resolve("k")).derive("p")).matches("[0-9a-f]{64}");
  }

  @Test
  void deriveDiffersPerPurpose() {
    InstallationKey key = InstallationKey.loadOrCreate(dir.resolve("k"));
    assertThat(key.derive("service-1")).isNotEqualTo(key.derive("service-2"));
  }

  @Test
  void deriveDiffersPerKeyFile() {
    String a = InstallationKey.loadOrCreate(dir.resolve("a.key")).derive("service-1");
    String b = InstallationKey.loadOrCreate(dir.resolve("b.key")).derive("service-1");
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void keyFileIsOwnerOnlyAndHoldsHex() throws Exception {
    Path file = dir.resolve("nested/installation.key");
    InstallationKey.loadOrCreate(file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(file).trim()).matches("[0-9a-f]{64}");
  }
}
