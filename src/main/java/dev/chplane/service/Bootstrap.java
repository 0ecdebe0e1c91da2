package dev.chplane.service;

import dev.chplane.domain.ActivityType;
import dev.chplane.domain.Actor;
import dev.chplane.domain.ApiKey;
import dev.chplane.domain.Organization;
import dev.chplane.security.Hashes;
import dev.chplane.security.OwnerOnlyFiles;
import dev.chplane.security.Secrets;
import dev.chplane.store.MetadataStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * First start: creates the organization and its admin API key, prints them once and writes them to
 * an owner-only file. The key id and secret (and the organization id) may be chosen in advance; a
 * secret chosen in advance is never printed or written.
 */
public final class Bootstrap {
  /** What the first start may be told in advance; each value may be null. */
  public record Preset(String organizationId, String keyId, String keySecret) {}

  private Bootstrap() {}

  /** Does nothing when an organization exists already. */
  public static void run(
      MetadataStore store, Preset preset, Path keyFile, Secrets secrets, PrintStream console) {
    if (!store.listOrganizations().isEmpty()) {
      return;
    }
    UUID orgId =
        uuid("CHPLANE_BOOTSTRAP_ORG_ID", preset.organizationId()).orElseGet(UUID::randomUUID);
    String keyId =
        preset.keyId() != null && !preset.keyId().isBlank()
            ? preset.keyId().trim()
            : secrets.keyId();
    if (!keyId.matches("[A-Za-z0-9._-]{8,64}")) {
      throw new IllegalArgumentException(
          "CHPLANE_BOOTSTRAP_KEY_ID must be 8 to 64 letters, digits, '.', '_' or '-'");
    }
    String secret = preset.keySecret() != null ? preset.keySecret() : secrets.keySecret();
    if (secret.length() < 16) {
      throw new IllegalArgumentException(
          "CHPLANE_BOOTSTRAP_KEY_SECRET must be at least 16 characters long");
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    ApiKey key =
        new ApiKey(
            UUID.randomUUID(),
            orgId,
            "bootstrap admin key",
            Hashes.sha256Hex(keyId),
            ApiKeys.suffix(keyId),
            Hashes.sha256Hex(secret),
            List.of(ApiKey.ADMIN),
            "enabled",
            now,
            null,
            null,
            List.of(ApiKeys.ANYWHERE),
            0);
    Actor chplane = Actor.system("first start of chplane");
    store.inTransaction(
        tx -> {
          tx.insertOrganization(new Organization(orgId, "chplane", now, false));
          tx.record(chplane.did(ActivityType.CREATE_ORGANIZATION, orgId, null));
          tx.insertApiKey(key);
          tx.record(chplane.didToKey(ActivityType.KEY_CREATE, orgId, key.id(), "created"));
          return null;
        });
    // a secret the operator gave is theirs already: it is neither printed nor written back
    boolean given = preset.keySecret() != null;
    String text =
        "organization id: "
            + orgId
            + "\nkey id:          "
            + keyId
            + "\nkey secret:      "
            + (given ? "(taken from CHPLANE_BOOTSTRAP_KEY_SECRET; not shown)" : secret)
            + "\n";
    try {
      OwnerOnlyFiles.write(keyFile, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + keyFile, e);
    }
    console.println();
    console.println("chplane: first start. Created an organization and its admin API key.");
    console.println(
        given
            ? "Its secret was taken from CHPLANE_BOOTSTRAP_KEY_SECRET; the key is also in "
                + keyFile
                + "."
            : "The secret is shown only this once; it is also in " + keyFile + " (mode 0600).");
    console.print(text);
    console.println();
  }

  private static Optional<UUID> uuid(String name, String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(UUID.fromString(value.trim()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " must be a UUID, got '" + value + "'");
    }
  }
}
