package dev.chplane.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Pipe positions on the embedded H2 store, in a fresh directory per test. */
class EmbeddedPipePositionStoreTest extends PipePositionStoreContractTest {
  @TempDir Path dir;

  @Override
  protected MetadataStore openEmptyStore() {
    return EmbeddedStore.open(dir);
  }
}
