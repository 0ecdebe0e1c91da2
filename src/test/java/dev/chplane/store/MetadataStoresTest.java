package dev.chplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataStoresTest {
  @TempDir Path dataDir;

  @Test
  void embeddedIsTheDefaultAndLivesUnderMeta() {
    MetadataStores.open(null, dataDir).close();
    MetadataStores.open("embedded", dataDir).close();
    assertThat(dataDir.resolve("meta/chplane.mv.db")).isRegularFile();
  }

  @Test
  void unknownStoreNamesTheAcceptedFormsWithoutItsPassword() {
    assertThatThrownBy(() -> MetadataStores.open("postgres://u:topsecret@h/db", dataDir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("embedded")
        .hasMessageContaining("postgresql://user:password@host:5432/database")
        .hasMessageContaining("jdbc:postgresql://")
        .message()
        .doesNotContain("topsecret");
  }

  @Test
  void unreachablePostgresIsAStoreErrorWithoutThePassword() {
    assertThatThrownBy(
            () ->
                MetadataStores.open(
                    "postgresql://u:topsecret@127.0.0.1:1/db?connectTimeout=2", dataDir))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("postgresql://u@127.0.0.1:1/db")
        .message()
        .doesNotContain("topsecret");
  }
}
