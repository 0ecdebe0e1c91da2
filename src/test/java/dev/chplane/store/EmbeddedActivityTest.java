package dev.chplane.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The activity contract on the embedded H2 store. */
class EmbeddedActivityTest extends ActivityContractTest {
  @TempDir Path dir;

  @Override
  protected MetadataStore openEmptyStore(WriteObserver observer) {
    return EmbeddedStore.open(dir, observer);
  }
}
