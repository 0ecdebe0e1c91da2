package dev.chplane.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.security.Secrets;
import dev.chplane.store.EmbeddedStore;
import dev.chplane.store.MetadataStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapTest {
  private static final String GIVEN_SECRET = "given-by-the-operator-0123456789";

  @TempDir Path dir;

  private String firstStart(Bootstrap.Preset preset) throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (MetadataStore store = EmbeddedStore.open(dir.resolve("meta"))) {
      Bootstrap.run(
          store,
          preset,
          dir.resolve("bootstrap-key.txt"),
          new Secrets(),
          new PrintStream(console, true, StandardCharsets.UTF_8));
    }
    return console.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aSecretFromTheEnvironmentIsNeitherPrintedNorWritten() throws Exception {
    String console = firstStart(new Bootstrap.Preset(null, "operator-key-1", GIVEN_SECRET));
    assertThat(console)
        .doesNotContain(GIVEN_SECRET)
        .contains("operator-key-1")
        .contains("taken from CHPLANE_BOOTSTRAP_KEY_SECRET");
    assertThat(Files.readString(dir.resolve("bootstrap-key.txt")))
        .doesNotContain(GIVEN_SECRET)
        .contains("operator-key-1");
  }

  @Test
  void aGeneratedSecretIsShownOnceAndKeptOwnerOnly() throws Exception {
    String console = firstStart(new Bootstrap.Preset(null, null, null));
    String secretLine =
        console.lines().filter(l -> l.startsWith("key secret:")).findFirst().orElseThrow();
    String secret = secretLine.substring("key secret:".length()).strip();
    assertThat(secret).hasSizeGreaterThan(16);
    assertThat(Files.readString(dir.resolve("bootstrap-key.txt"))).contains(secret);
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("bootstrap-key.txt"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("meta"))))
        .isEqualTo("rwx------");
    try (var files = Files.list(dir.resolve("meta"))) {
      assertThat(
              files.map(
                  f -> {
                    try {
                      return f.getFileName()
                          + " "
                          + PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  }))
          .isNotEmpty()
          .allMatch(s -> s.endsWith("rw-------"));
    }
  }
}
