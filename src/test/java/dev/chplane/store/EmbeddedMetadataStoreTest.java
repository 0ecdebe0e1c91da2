package dev.chplane.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded H2 store, in a fresh directory per test. */
class EmbeddedMetadataStoreTest extends MetadataStoreContractTest {
  @TempDir Path dir;

  @Override
  protected MetadataStore openEmptyStore(WriteObserver observer) {
    return EmbeddedStore.open(dir, observer);
  }

  @Override
  protected MetadataStore reopenStore() {
    return EmbeddedStore.open(dir);
  }
}
