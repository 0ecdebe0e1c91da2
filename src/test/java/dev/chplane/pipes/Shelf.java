package dev.chplane.pipes;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A test-only source of files: named files of JSON lines, read in name order (as object storage
 * reads keys in lexical order), which a test adds while a pipe reads them.
 */
final class Shelf {
  private final TreeMap<String, List<String>> files = new TreeMap<>();

  synchronized void put(String name, List<String> lines) {
    files.put(name, List.copyOf(lines));
    notifyAll();
  }

  /**
   * The first file after {@code after} (null: the first one), waiting for one up to {@code
   * timeout}.
   */
  synchronized Optional<Map.Entry<String, List<String>>> next(String after, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map.Entry<String, List<String>> next =
          after == null ? files.firstEntry() : files.higherEntry(after);
      long left = deadline - System.nanoTime();
      if (next != null || left <= 0) {
        return Optional.ofNullable(next);
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  /** The lines in files after {@code after}. */
  synchronized long linesAfter(String after) {
    return (after == null ? files : files.tailMap(after, false))
        .values().stream().mapToLong(List::size).sum();
  }

  synchronized void wake() {
    notifyAll();
  }

  static byte[] bytes(String line) {
    return line.getBytes(StandardCharsets.UTF_8);
  }
}
