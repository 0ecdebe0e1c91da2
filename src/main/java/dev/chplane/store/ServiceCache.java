package dev.chplane.store;

import dev.chplane.domain.Service;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Keeps services read by id for a second, because every API call reads one. A transaction that
 * writes a service evicts it when it ends (committed or not), and a read that raced with such a
 * write is not kept, so this process never serves a copy older than its own last write. Writes by
 * another process on the same database are seen within a second; they cannot be lost, because
 * updates are compare-and-set against the database, not against this cache.
 */
final class ServiceCache {
  private static final long TTL_NANOS = 1_000_000_000L;

  private record Entry(Optional<Service> service, long readAtNanos) {}

  private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();

  Optional<Service> get(UUID id, Supplier<Optional<Service>> load) {
    long now = System.nanoTime();
    Entry e = entries.get(id);
    if (e != null && now - e.readAtNanos() < TTL_NANOS) {
      return e.service();
    }
    long before = generation.get();
    Optional<Service> loaded = load.get();
    Entry entry = new Entry(loaded, now);
    entries.put(id, entry);
    // an eviction that began after the read must win, whether it ran before or after the put
    if (generation.get() != before) {
      entries.remove(id, entry);
    }
    return loaded;
  }

  void evict(Iterable<UUID> ids) {
    generation.incrementAndGet();
    ids.forEach(entries::remove);
  }
}
