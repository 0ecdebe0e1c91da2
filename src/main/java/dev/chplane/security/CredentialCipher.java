package dev.chplane.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts the credentials chplane must keep in clear to use them (pipe source passwords, client
 * keys) with AES-256-GCM under the sealing key of a {@link CredentialKeyRing}. The stored text is
 * {@code <key id>:<base64 of nonce + ciphertext + tag>}, so that it opens with the key that sealed
 * it for as long as that key is in the ring.
 */
public final class CredentialCipher {
  private static final int NONCE_BYTES = 12;
  private static final Pattern STORED = Pattern.compile("(v1|k[1-9][0-9]{0,8}):([A-Za-z0-9+/=]+)");

  private final CredentialKeyRing ring;
  private final SecureRandom random = new SecureRandom();

  public CredentialCipher(CredentialKeyRing ring) {
    this.ring = ring;
  }

  public String encrypt(String plain) {
    return seal(ring.sealingKey(), plain, random);
  }

  static String seal(CredentialKey key, String plain, SecureRandom random) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key.secret(), new GCMParameterSpec(128, nonce));
      byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[nonce.length + sealed.length];
      System.arraycopy(nonce, 0, out, 0, nonce.length);
      System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
      return key.id() + ":" + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  /**
   * @throws IllegalArgumentException if {@code stored} is not in the stored format, or names a key
   *     the ring does not hold
   * @throws IllegalStateException if the key does not open it (the value was altered, or the ring
   *     file replaced)
   */
  public String decrypt(String stored) {
    Matcher m = STORED.matcher(stored);
    if (!m.matches()) {
      throw new IllegalArgumentException("stored credentials are not in a known format");
    }
    String id = m.group(1);
    CredentialKey key =
        ring.key(id)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "stored credentials are sealed"
                            + " with key "
                            + id
                            + ", which the key ring (holding "
                            + String.join(", ", ring.ids())
                            + ") no longer has"));
    try {
      byte[] in = Base64.getDecoder().decode(m.group(2));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key.secret(), new GCMParameterSpec(128, in, 0, NONCE_BYTES));
      return new String(
          cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "stored credentials do not open with key "
              + id
              + ": they were altered, or the key ring file is not the one that sealed them",
          e);
    }
  }

  /**
   * Whether {@code stored} is sealed with the ring's sealing key (a rotation leaves it as it is).
   */
  public boolean isSealedWithSealingKey(String stored) {
    return stored.startsWith(ring.sealingKey().id() + ":");
  }
}
