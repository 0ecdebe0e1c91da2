package dev.chplane.security;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The keys that seal and open stored credentials. Invariants: it holds at least one random key, no
 * two keys share an id, and the random key with the highest number is the {@link #sealingKey()}
 * (the only one new values are sealed with); every key opens what it sealed. Immutable: a rotation
 * makes new rings.
 */
public final class CredentialKeyRing {
  private final List<CredentialKey> keys;

  CredentialKeyRing(List<CredentialKey> keys) {
    List<CredentialKey> sorted = new ArrayList<>(keys);
    sorted.sort(Comparator.comparingInt(CredentialKey::number));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).number() == sorted.get(i - 1).number()) {
        throw new IllegalArgumentException("key " + sorted.get(i).id() + " is in the ring twice");
      }
    }
    if (sorted.isEmpty() || sorted.get(sorted.size() - 1).isDerived()) {
      throw new IllegalArgumentException("a credential key ring needs at least one k<number> key");
    }
    this.keys = List.copyOf(sorted);
  }

  public CredentialKey sealingKey() {
    return keys.get(keys.size() - 1);
  }

  public Optional<CredentialKey> key(String id) {
    return keys.stream().filter(k -> k.id().equals(id)).findFirst();
  }

  /** The ids of all keys, oldest first. */
  public List<String> ids() {
    return keys.stream().map(CredentialKey::id).toList();
  }

  List<CredentialKey> keys() {
    return keys;
  }

  /** This ring plus a new random key, which becomes the sealing key. */
  public CredentialKeyRing withFreshKey() {
    List<CredentialKey> more = new ArrayList<>(keys);
    more.add(CredentialKey.random(sealingKey().number() + 1));
    return new CredentialKeyRing(more);
  }

  /** A ring of the sealing key alone: what remains once nothing is sealed with the others. */
  public CredentialKeyRing withOnlySealingKey() {
    return new CredentialKeyRing(List.of(sealingKey()));
  }
}
