package dev.chplane.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 and friends, in the encodings that ClickHouse and the Cloud API use. */
public final class Hashes {
  private Hashes() {}

  public static byte[] sha256(byte[] data) {
    return digest("SHA-256", data);
  }

  public static String sha256Hex(String text) {
    return HexFormat.of().formatHex(sha256(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** MySQL's double SHA-1 of a password, in hex. */
  public static String doubleSha1Hex(String password) {
    byte[] once = digest("SHA-1", password.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest("SHA-1", once));
  }

  /** Compares two hex digests in constant time. */
  public static boolean sameHex(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every JDK", e);
    }
  }
}
