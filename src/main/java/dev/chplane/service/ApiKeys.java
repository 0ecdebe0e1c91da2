package dev.chplane.service;

import dev.chplane.domain.ActivityType;
import dev.chplane.domain.Actor;
import dev.chplane.domain.ApiKey;
import dev.chplane.domain.DomainException;
import dev.chplane.domain.IpAccessEntry;
import dev.chplane.security.Hashes;
import dev.chplane.security.Secrets;
import dev.chplane.store.MetadataStore;
import dev.chplane.store.StaleVersionException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** The API key use cases: create (with or without client-side hashes), list, change, delete. */
public final class ApiKeys {
  /** The IP list of a key created without one. */
  public static final IpAccessEntry ANYWHERE = new IpAccessEntry("0.0.0.0/0", "Anywhere");

  /** How long a key read for authentication is reused; changes made here drop it at once. */
  private static final long CACHE_NANOS = 2_000_000_000L;

  private final MetadataStore store;
  private final Secrets secrets;
  private final Map<String, Cached> byKeyIdHash = new ConcurrentHashMap<>();

  private record Cached(Optional<ApiKey> key, long readAtNanos) {}

  public ApiKeys(MetadataStore store, Secrets secrets) {
    this.store = store;
    this.secrets = secrets;
  }

  /**
   * The key a caller presents, by the SHA-256 of its key id. Reads are reused for up to two seconds
   * (every request authenticates); a change through this class is seen at once, one made by another
   * chplane instance on the same store within two seconds.
   */
  public Optional<ApiKey> byKeyIdHash(String keyIdSha256Hex) {
    long now = System.nanoTime();
    Cached cached = byKeyIdHash.get(keyIdSha256Hex);
    if (cached != null && now - cached.readAtNanos() < CACHE_NANOS) {
      return cached.key();
    }
    Optional<ApiKey> key = store.findApiKeyByKeyIdHash(keyIdSha256Hex);
    if (byKeyIdHash.size() > 10_000) {
      byKeyIdHash.clear();
    }
    byKeyIdHash.put(keyIdSha256Hex, new Cached(key, now));
    return key;
  }

  private void forget() {
    byKeyIdHash.clear();
  }

  /** The last four characters of a key id, which clients use to recognise their own key. */
  public static String suffix(String keyId) {
    return keyId.substring(Math.max(0, keyId.length() - 4));
  }

  /**
   * What a client sent to create a key; {@code hashes} null means chplane generates id and secret.
   */
  public record NewKey(
      String name,
      List<String> roles,
      String state,
      Instant expireAt,
      List<IpAccessEntry> ipAccessList,
      ClientHashes hashes) {}

  /**
   * SHA-256 digests (hex) of a key id and secret that the client generated itself, and the id's
   * suffix.
   */
  public record ClientHashes(String keyIdSha256Hex, String keyIdSuffix, String secretSha256Hex) {}

  /** A created key and, when chplane generated them, its id and secret (shown only now). */
  public record Created(ApiKey key, String keyId, String keySecret) {}

  public Created create(Actor actor, UUID organizationId, NewKey request) {
    String keyId = null;
    String secret = null;
    ClientHashes hashes = request.hashes();
    if (hashes == null) {
      keyId = secrets.keyId();
      secret = secrets.keySecret();
      hashes = new ClientHashes(Hashes.sha256Hex(keyId), suffix(keyId), Hashes.sha256Hex(secret));
    }
    if (store.findApiKeyByKeyIdHash(hashes.keyIdSha256Hex()).isPresent()) {
      throw DomainException.conflict("hashData.keyIdHash: a key with this key id exists already");
    }
    ApiKey key =
        new ApiKey(
            UUID.randomUUID(),
            organizationId,
            request.name(),
            hashes.keyIdSha256Hex(),
            hashes.keyIdSuffix(),
            hashes.secretSha256Hex(),
            request.roles(),
            request.state(),
            Instant.now().truncatedTo(ChronoUnit.MILLIS),
            request.expireAt(),
            null,
            request.ipAccessList(),
            0);
    forget();
    store.inTransaction(
        tx -> {
          tx.insertApiKey(key);
          tx.record(actor.didToKey(ActivityType.KEY_CREATE, organizationId, key.id(), "created"));
          return null;
        });
    return new Created(key, keyId, secret);
  }

  public List<ApiKey> list(UUID organizationId) {
    return store.listApiKeys(organizationId);
  }

  public ApiKey get(UUID organizationId, UUID id) {
    return store
        .findApiKey(id)
        .filter(k -> k.organizationId().equals(organizationId))
        .orElseThrow(
            () ->
                DomainException.notFound(
                    "key " + id + " does not exist in organization " + organizationId));
  }

  public ApiKey update(Actor actor, UUID organizationId, UUID id, UnaryOperator<ApiKey> change) {
    get(organizationId, id);
    while (true) {
      ApiKey current = get(organizationId, id);
      ApiKey changed = change.apply(current).withVersion(current.version());
      keepAnAdmin(organizationId, current, changed);
      try {
        forget();
        return store.inTransaction(
            tx -> {
              ApiKey stored = tx.updateApiKey(changed);
              for (String kind : changes(current, changed)) {
                tx.record(
                    actor.didToKey(ActivityType.OPENAPI_KEY_UPDATE, organizationId, id, kind));
              }
              return stored;
            });
      } catch (StaleVersionException e) {
        // a concurrent change (e.g. usedAt) came first: apply ours to its result
      } catch (NoSuchElementException e) {
        throw DomainException.notFound("key " + id + " does not exist");
      }
    }
  }

  /**
   * The organization keeps at least one enabled, unexpired admin key, so that it can always be
   * managed: a change that would take the last one away (disable it, drop its admin role, or set an
   * expiry in the past) is a 400. In practice this is the last admin key changing itself, since the
   * caller of any change is an enabled admin key.
   */
  private void keepAnAdmin(UUID organizationId, ApiKey before, ApiKey after) {
    Instant now = Instant.now();
    if (!usableAdmin(before, now) || usableAdmin(after, now)) {
      return;
    }
    boolean another =
        store.listApiKeys(organizationId).stream()
            .anyMatch(k -> !k.id().equals(before.id()) && usableAdmin(k, now));
    if (!another) {
      String field =
          !after.enabled() ? "state" : !after.hasRole(ApiKey.ADMIN) ? "roles" : "expireAt";
      throw DomainException.invalidInput(
          field
              + ": key "
              + before.id()
              + " is the organization's last enabled admin key;"
              + " it cannot be disabled, lose its admin role or expire (create or enable another admin key first)");
    }
  }

  private static boolean usableAdmin(ApiKey k, Instant now) {
    return k.enabled() && k.hasRole(ApiKey.ADMIN) && !k.expiredAt(now);
  }

  /** The official keyUpdateType of each aspect that differs. */
  private static List<String> changes(ApiKey a, ApiKey b) {
    List<String> out = new ArrayList<>();
    if (!a.name().equals(b.name())) {
      out.add("name-changed");
    }
    if (!a.roles().equals(b.roles())) {
      out.add("role-changed");
    }
    if (!a.state().equals(b.state())) {
      out.add("state-changed");
    }
    if (!Objects.equals(a.expireAt(), b.expireAt())) {
      out.add("date-changed");
    }
    if (!a.ipAccessList().equals(b.ipAccessList())) {
      out.add("ip-access-list-changed");
    }
    return out;
  }

  public void delete(Actor actor, UUID organizationId, UUID id, ApiKey caller) {
    get(organizationId, id);
    if (caller.id().equals(id)) {
      throw DomainException.invalidInput(
          "keyId: a key cannot delete itself; use another admin key");
    }
    forget();
    store.inTransaction(
        tx -> {
          tx.deleteApiKey(id);
          tx.record(actor.didToKey(ActivityType.KEY_DELETE, organizationId, id, "deleted"));
          return null;
        });
  }

  /** Records that a key was used, at one-minute precision (so at most one write a minute). */
  public void markUsed(ApiKey key, Instant now) {
    Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
    if (minute.equals(key.usedAt())) {
      return;
    }
    try {
      store.updateApiKey(key.withUsedAt(minute));
      forget();
    } catch (StaleVersionException | NoSuchElementException e) {
      // another request recorded it, or the key was just deleted: nothing to do
    }
  }
}
