package dev.chplane.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;

/**
 * The file of the pipe-credentials {@link CredentialKeyRing}, {@code
 * DATA_DIR/secrets/pipe-credentials.keys} (mode 0600, replaced atomically). Each line is {@code
 * k<number> <64 hex digits>}, or {@code v1 derived} while values sealed with the key derived from
 * the installation key may remain. Made at first start with one random key and the derived one, so
 * that an installation sealed before key rotation existed stays readable.
 */
public final class CredentialKeyRingFile {
  public static final String NAME = "pipe-credentials.keys";
  private static final String DERIVED_LINE = CredentialKey.DERIVED_ID + " derived";
  private static final Pattern RANDOM_LINE = Pattern.compile("(k[1-9][0-9]{0,8}) ([0-9a-f]{64})");

  private final Path file;
  private final InstallationKey installationKey;

  public CredentialKeyRingFile(Path secretsDir, InstallationKey installationKey) {
    this.file = secretsDir.resolve(NAME);
    this.installationKey = installationKey;
  }

  public Path path() {
    return file;
  }

  public CredentialKeyRing loadOrCreate() {
    if (Files.exists(file)) {
      return load();
    }
    CredentialKeyRing fresh =
        new CredentialKeyRing(
            List.of(CredentialKey.derived(installationKey), CredentialKey.random(1)));
    save(fresh);
    return fresh;
  }

  private CredentialKeyRing load() {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the credential key ring " + file, e);
    }
    List<CredentialKey> keys = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      Matcher random = RANDOM_LINE.matcher(line);
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      } else if (line.equals(DERIVED_LINE)) {
        keys.add(CredentialKey.derived(installationKey));
      } else if (random.matches()) {
        keys.add(
            new CredentialKey(
                random.group(1),
                new SecretKeySpec(HexFormat.of().parseHex(random.group(2)), "AES")));
      } else {
        // the line may hold key material: name it by number only
        throw new IllegalStateException(
            "line "
                + (i + 1)
                + " of the credential key ring "
                + file
                + " is neither 'k<number> <64 hex digits>' nor '"
                + DERIVED_LINE
                + "'");
      }
    }
    try {
      return new CredentialKeyRing(keys);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "the credential key ring " + file + " is not valid: " + e.getMessage(), e);
    }
  }

  public void save(CredentialKeyRing ring) {
    StringBuilder text =
        new StringBuilder(
            "# chplane pipe-credentials keys: the highest k<number> seals, every key opens."
                + "\n# Rotate with `chplane rotate-credentials-key`; never edit or lose this file.\n");
    for (CredentialKey key : ring.keys()) {
      text.append(
              key.isDerived()
                  ? DERIVED_LINE
                  : key.id() + " " + HexFormat.of().formatHex(key.secret().getEncoded()))
          .append('\n');
    }
    try {
      OwnerOnlyFiles.write(file, text.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the credential key ring " + file, e);
    }
  }
}
