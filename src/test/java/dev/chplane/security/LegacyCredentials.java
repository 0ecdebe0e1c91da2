package dev.chplane.security;

import java.security.SecureRandom;

/**
 * Seals credentials as chplane did before keys could be rotated: {@code v1:} under the key derived
 * from the installation key.
 */
public final class LegacyCredentials {
  private LegacyCredentials() {}

  public static String seal(InstallationKey installationKey, String plain) {
    return CredentialCipher.seal(CredentialKey.derived(installationKey), plain, new SecureRandom());
  }
}
