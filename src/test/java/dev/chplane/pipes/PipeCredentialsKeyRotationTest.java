package dev.chplane.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.KafkaCredentials;
import dev.chplane.domain.Organization;
import dev.chplane.domain.PipeSpec;
import dev.chplane.domain.PipeState;
import dev.chplane.security.CredentialCipher;
import dev.chplane.security.CredentialKeyRing;
import dev.chplane.security.CredentialKeyRingFile;
import dev.chplane.security.InstallationKey;
import dev.chplane.security.LegacyCredentials;
import dev.chplane.store.EmbeddedStore;
import dev.chplane.store.MetadataStore;
import dev.chplane.store.WriteObserver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotation on a real embedded store, including rotations cut short at each step. */
class PipeCredentialsKeyRotationTest {
  private static final KafkaCredentials ALICE =
      new KafkaCredentials("alice", "alice-secret", null, null);
  private static final KafkaCredentials BOB = new KafkaCredentials("bob", "bob-secret", null, null);

  @TempDir Path dir;
  private InstallationKey installationKey;
  private CredentialKeyRingFile ringFile;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private UUID legacy;
  private UUID sealed;
  private UUID none;

  @BeforeEach
  void installationWithThreePipes() {
    installationKey = InstallationKey.loadOrCreate(dir.resolve("secrets/installation.key"));
    ringFile = new CredentialKeyRingFile(dir.resolve("secrets"), installationKey);
    UUID org = UUID.randomUUID();
    try (MetadataStore store = EmbeddedStore.open(dir.resolve("meta"))) {
      store.insertOrganization(new Organization(org, "org", Instant.now(), false));
      String legacyJson =
          "{\"username\":\"alice\",\"password\":\"alice-secret\",\"certificate\":null,\"privateKey\":null}";
      legacy = insertPipe(store, org, LegacyCredentials.seal(installationKey, legacyJson));
      sealed = insertPipe(store, org, secrets().seal(BOB));
      none = insertPipe(store, org, null);
    }
  }

  private PipeSecrets secrets() {
    return new PipeSecrets(new CredentialCipher(ringFile.loadOrCreate()));
  }

  private static UUID insertPipe(MetadataStore store, UUID org, String credentials) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    PipeSpec spec =
        new PipeSpec(
            "p",
            new dev.chplane.domain.KafkaSource(
                "kafka", "JSONEachRow", "127.0.0.1:9092", "t", null, "PLAIN", null, null, null),
            new PipeSpec.Destination("default", "t", false, null, List.of()),
            List.of(),
            new PipeSpec.PipeScaling(1, 500, 0.5),
            Map.of());
    ClickPipe pipe =
        new ClickPipe(
            UUID.randomUUID(),
            org,
            UUID.randomUUID(),
            spec,
            credentials,
            PipeState.RUNNING,
            DesiredState.RUNNING,
            null,
            now,
            now,
            0);
    store.inTransaction(
        tx -> {
          tx.insertPipe(pipe);
          return null;
        });
    return pipe.id();
  }

  private Map<UUID, String> stored() {
    try (MetadataStore store = EmbeddedStore.open(dir.resolve("meta"))) {
      return store.listAllPipes().stream()
          .collect(Collectors.toMap(ClickPipe::id, p -> String.valueOf(p.encryptedCredentials())));
    }
  }

  /** What chplane would hand its workers after a restart, with the ring as the file holds it. */
  private Map<UUID, dev.chplane.domain.SourceCredentials> opened() {
    PipeSecrets secrets = secrets();
    try (MetadataStore store = EmbeddedStore.open(dir.resolve("meta"))) {
      return store.listAllPipes().stream().collect(Collectors.toMap(ClickPipe::id, secrets::read));
    }
  }

  private CredentialKeyRing rotate(
      Function<MetadataStore, CredentialKeyRing> steps, WriteObserver observer) {
    try (MetadataStore store = EmbeddedStore.open(dir.resolve("meta"), observer)) {
      return steps.apply(store);
    }
  }

  private PipeCredentialsKeyRotation rotation(MetadataStore store) {
    return new PipeCredentialsKeyRotation(
        store, ringFile, new PrintStream(printed, true, StandardCharsets.UTF_8));
  }

  private void assertEveryCredentialOpens() {
    assertThat(opened())
        .containsOnly(
            Map.entry(legacy, ALICE),
            Map.entry(sealed, BOB),
            Map.entry(none, KafkaCredentials.NONE));
  }

  @Test
  void rotationReEncryptsEveryPipeWithAFreshKeyThenDropsTheOldKeysIncludingTheDerivedOne()
      throws Exception {
    Map<UUID, String> before = stored();
    assertThat(before.get(legacy)).startsWith("v1:");
    assertThat(before.get(sealed)).startsWith("k1:");

    CredentialKeyRing after = rotate(store -> rotation(store).run(), WriteObserver.NONE);

    assertThat(after.ids()).containsExactly("k2");
    assertThat(ringFile.loadOrCreate().ids()).containsExactly("k2");
    assertThat(Files.readString(ringFile.path()))
        .doesNotContain("v1 derived")
        .doesNotContain("\nk1 ");
    Map<UUID, String> now = stored();
    assertThat(now.get(legacy)).startsWith("k2:");
    assertThat(now.get(sealed)).startsWith("k2:");
    assertThat(now.get(none)).isEqualTo("null");
    assertEveryCredentialOpens();
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("added key k2")
        .contains(
            "re-encrypted the credentials of 2 of 3 pipes with key k2 (1 have none, 0 had it already)")
        .contains("removed key(s) v1, k1 from the ring; it holds k2 alone")
        .doesNotContain("alice-secret")
        .doesNotContain("bob-secret")
        .doesNotContainPattern("[0-9a-f]{32}");
  }

  @Test
  void aRotationWhoseTransactionIsCutShortChangesNoPipeAndTheNextRunFinishesIt() {
    Map<UUID, String> before = stored();
    AtomicInteger writes = new AtomicInteger();
    WriteObserver crashAtSecondPipe =
        table -> {
          if (table.equals("clickpipes") && writes.incrementAndGet() == 2) {
            throw new IllegalStateException("crash");
          }
        };
    assertThatThrownBy(() -> rotate(store -> rotation(store).run(), crashAtSecondPipe))
        .hasMessage("crash");

    assertThat(stored()).isEqualTo(before);
    assertThat(ringFile.loadOrCreate().ids()).containsExactly("v1", "k1", "k2");
    assertEveryCredentialOpens();

    rotate(store -> rotation(store).run(), WriteObserver.NONE);
    assertThat(ringFile.loadOrCreate().ids()).containsExactly("k3");
    assertThat(stored().get(legacy)).startsWith("k3:");
    assertEveryCredentialOpens();
  }

  @Test
  void aRotationStoppedBeforeItDropsTheOldKeysLeavesAllReadableAndTheNextRunFinishesIt() {
    rotate(
        store -> {
          PipeCredentialsKeyRotation cut = rotation(store);
          CredentialKeyRing ring = cut.addKey();
          cut.reEncrypt(ring);
          return ring;
        },
        WriteObserver.NONE);
    assertThat(ringFile.loadOrCreate().ids()).containsExactly("v1", "k1", "k2");
    assertThat(stored().get(legacy)).startsWith("k2:");
    assertEveryCredentialOpens();

    rotate(store -> rotation(store).run(), WriteObserver.NONE);
    assertThat(ringFile.loadOrCreate().ids()).containsExactly("k3");
    assertThat(stored().values()).allMatch(v -> v.equals("null") || v.startsWith("k3:"));
    assertEveryCredentialOpens();
  }

  @Test
  void aRotationStoppedRightAfterAddingTheKeyLeavesAllReadableAndTheNextRunFinishesIt() {
    rotate(store -> rotation(store).addKey(), WriteObserver.NONE);
    assertThat(ringFile.loadOrCreate().ids()).containsExactly("v1", "k1", "k2");
    assertEveryCredentialOpens();

    rotate(store -> rotation(store).run(), WriteObserver.NONE);
    assertThat(ringFile.loadOrCreate().ids()).containsExactly("k3");
    assertEveryCredentialOpens();
  }
}
