package dev.chplane.store;

/**
 * Told after each statement a transaction writes, before it commits. Production uses {@link #NONE};
 * tests throw from it to prove that a transaction cut short leaves nothing behind.
 */
@FunctionalInterface
public interface WriteObserver {
  WriteObserver NONE = table -> {};

  void afterWrite(String table);
}
