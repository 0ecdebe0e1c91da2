package dev.chplane.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialCipherTest {
  private static final String SECRET = "{\"password\":\"hunter2\"}";

  @TempDir Path dir;

  private InstallationKey installationKey() {
    return InstallationKey.loadOrCreate(dir.resolve("installation.key"));
  }

  private CredentialKeyRingFile ringFile() {
    return new CredentialKeyRingFile(dir, installationKey());
  }

  @Test
  void aNewRingSealsWithItsFirstRandomKeyAndStillOpensValuesOfTheDerivedKey() {
    CredentialKeyRing ring = ringFile().loadOrCreate();
    assertThat(ring.ids()).containsExactly("v1", "k1");
    // what chplane stored before keys could be rotated: v1 under the derived key
    String legacy = LegacyCredentials.seal(installationKey(), SECRET);
    assertThat(legacy).startsWith("v1:");

    CredentialCipher cipher = new CredentialCipher(ring);
    assertThat(cipher.decrypt(legacy)).isEqualTo(SECRET);
    assertThat(cipher.encrypt(SECRET)).startsWith("k1:").doesNotContain("hunter2");
  }

  @Test
  void aValueStoredByChplaneBeforeKeyRotationStillOpens() throws Exception {
    // made by the CredentialCipher of fc8f0b9 under this installation key
    Files.writeString(
        dir.resolve("installation.key"),
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
    String stored =
        "v1:tChKsPaE9h/F1LD4MCA8nGiMYgT7V26PvgZDwA8SFqYgkIc0ZsHlBrABkSTNomnc8F9nro1/+PvIldDAWkFhkYQXGDLp8FRyyIs=";
    assertThat(new CredentialCipher(ringFile().loadOrCreate()).decrypt(stored))
        .isEqualTo("{\"username\":\"alice\",\"password\":\"alice-secret\"}");
  }

  @Test
  void aValueSealedWithAnOldKeyOpensAfterAFreshKeyJoinsAndNewValuesUseTheFreshKey() {
    CredentialKeyRing before = ringFile().loadOrCreate();
    String old = new CredentialCipher(before).encrypt(SECRET);
    CredentialKeyRing after = before.withFreshKey();
    ringFile().save(after);

    CredentialCipher cipher = new CredentialCipher(ringFile().loadOrCreate());
    assertThat(cipher.decrypt(old)).isEqualTo(SECRET);
    String fresh = cipher.encrypt(SECRET);
    assertThat(fresh).startsWith("k2:");
    assertThat(cipher.isSealedWithSealingKey(fresh)).isTrue();
    assertThat(cipher.isSealedWithSealingKey(old)).isFalse();
    assertThat(new CredentialCipher(after.withOnlySealingKey()).decrypt(fresh)).isEqualTo(SECRET);
  }

  @Test
  void aValueOfAKeyNoLongerInTheRingIsRefusedNamingTheKey() {
    CredentialKeyRing before = ringFile().loadOrCreate();
    String old = new CredentialCipher(before).encrypt(SECRET);
    CredentialKeyRing trimmed = before.withFreshKey().withOnlySealingKey();

    assertThatThrownBy(() -> new CredentialCipher(trimmed).decrypt(old))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "stored credentials are sealed with key k1, which the key ring (holding k2) no longer has");
    assertThatThrownBy(
            () ->
                new CredentialCipher(trimmed)
                    .decrypt(LegacyCredentials.seal(installationKey(), SECRET)))
        .hasMessageContaining("sealed with key v1");
  }

  @Test
  void anAlteredValueIsRefused() {
    CredentialCipher cipher = new CredentialCipher(ringFile().loadOrCreate());
    String sealed = cipher.encrypt(SECRET);
    byte[] bytes = Base64.getDecoder().decode(sealed.substring("k1:".length()));
    bytes[bytes.length / 2] ^= 1;
    String tampered = "k1:" + Base64.getEncoder().encodeToString(bytes);

    assertThatThrownBy(() -> cipher.decrypt(tampered))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("stored credentials do not open with key k1: they were altered");
    // the same bytes under another key's id do not open either
    CredentialCipher twoKeys = new CredentialCipher(ringFile().loadOrCreate().withFreshKey());
    assertThatThrownBy(() -> twoKeys.decrypt("k2:" + sealed.substring(3)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> cipher.decrypt("k1:AA==")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> cipher.decrypt("plain text"))
        .hasMessage("stored credentials are not in a known format");
  }

  @Test
  void theRingFileIsOwnerOnlyKeepsItsKeysAcrossLoadsAndHoldsNoTemporaryFile() throws Exception {
    CredentialKeyRing ring = ringFile().loadOrCreate().withFreshKey();
    ringFile().save(ring);
    String sealed = new CredentialCipher(ring).encrypt(SECRET);

    Path file = dir.resolve(CredentialKeyRingFile.NAME);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(file))
        .contains("v1 derived\n")
        .containsPattern("\nk1 [0-9a-f]{64}\n")
        .containsPattern("\nk2 [0-9a-f]{64}\n");
    assertThat(new CredentialCipher(ringFile().loadOrCreate()).decrypt(sealed)).isEqualTo(SECRET);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .doesNotContain(CredentialKeyRingFile.NAME + ".tmp");
    }
  }

  @Test
  void aDamagedRingFileIsRefusedWithoutQuotingItsKeys() throws Exception {
    Path file = dir.resolve(CredentialKeyRingFile.NAME);
    String key = HexFormat.of().formatHex(new byte[32]);
    Files.writeString(file, "k1 " + key + "\nk2 " + key.substring(1) + "\n");
    assertThatThrownBy(() -> ringFile().loadOrCreate())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("line 2 of the credential key ring")
        .hasMessageNotContaining(key.substring(1));
    Files.writeString(file, "v1 derived\n");
    assertThatThrownBy(() -> ringFile().loadOrCreate())
        .hasMessageContaining("needs at least one k<number> key");
    Files.writeString(file, "k1 " + key + "\nk1 " + key + "\n");
    assertThatThrownBy(() -> ringFile().loadOrCreate())
        .hasMessageContaining("key k1 is in the ring twice");
  }

  @Test
  void aKeyNeverPrintsItsMaterial() {
    CredentialKey key = CredentialKey.random(3);
    assertThat(key.toString()).isEqualTo("CredentialKey[k3]");
  }
}
