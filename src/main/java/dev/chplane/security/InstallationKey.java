package dev.chplane.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The installation's own 256-bit key, made at first start in a file only the owner can read.
 * Secrets chplane needs in clear (the password of its internal ClickHouse user on each service) are
 * derived from it with HMAC-SHA256, so they are never stored.
 */
public final class InstallationKey {
  private final byte[] key;

  private InstallationKey(byte[] key) {
    this.key = key;
  }

  /** Where an installation keeps its key: {@code DATA_DIR/secrets/installation.key}. */
  public static Path file(Path dataDir) {
    return dataDir.resolve("secrets").resolve("installation.key");
  }

  public static InstallationKey loadOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        return new InstallationKey(HexFormat.of().parseHex(Files.readString(file).trim()));
      }
      byte[] fresh = new byte[32];
      new SecureRandom().nextBytes(fresh);
      OwnerOnlyFiles.write(file, HexFormat.of().formatHex(fresh) + "\n");
      return new InstallationKey(fresh);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the installation key " + file, e);
    }
  }

  /** A stable secret for {@code purpose}, 64 hex characters. */
  public String derive(String purpose) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
