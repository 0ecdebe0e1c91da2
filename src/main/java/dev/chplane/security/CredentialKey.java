package dev.chplane.security;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;

/**
 * One AES-256 key of a {@link CredentialKeyRing}. Its id is {@code k<number>} for a random key kept
 * in the ring's file, or {@link #DERIVED_ID} for the key derived from the installation key, which
 * sealed credentials before keys could be rotated and is never written anywhere.
 */
public record CredentialKey(String id, SecretKeySpec secret) {
  public static final String DERIVED_ID = "v1";
  static final Pattern RANDOM_ID = Pattern.compile("k([1-9][0-9]{0,8})");

  public CredentialKey {
    if (!id.equals(DERIVED_ID) && !RANDOM_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("a credential key id is k<number> or " + DERIVED_ID);
    }
  }

  static CredentialKey random(int number) {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return new CredentialKey("k" + number, new SecretKeySpec(bytes, "AES"));
  }

  static CredentialKey derived(InstallationKey installationKey) {
    return new CredentialKey(
        DERIVED_ID,
        new SecretKeySpec(
            HexFormat.of().parseHex(installationKey.derive("pipe-credentials-v1")), "AES"));
  }

  boolean isDerived() {
    return id.equals(DERIVED_ID);
  }

  /** The number of a random key; 0 for the derived one, so that every random key is newer. */
  int number() {
    return isDerived() ? 0 : Integer.parseInt(id.substring(1));
  }

  // a record would print the key material
  @Override
  public String toString() {
    return "CredentialKey[" + id + "]";
  }
}
