package dev.chplane.security;

import java.security.SecureRandom;

/** Random secrets: API key secrets and generated service passwords. */
public final class Secrets {
  private static final String ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  private final SecureRandom random = new SecureRandom();

  /** A random string of {@code length} letters and digits (about 5.8 bits each). */
  public String generate(int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return out.toString();
  }

  /** A service password: 24 characters, about 140 bits. */
  public String password() {
    return generate(24);
  }

  /** An API key id (the Basic-auth user name): 20 characters. */
  public String keyId() {
    return generate(20);
  }

  /** An API key secret: 48 characters, about 280 bits. */
  public String keySecret() {
    return "4b1d" + generate(44);
  }
}
