package dev.chplane.api;

import dev.chplane.domain.ApiKey;
import dev.chplane.domain.IpMatcher;
import dev.chplane.security.Hashes;
import dev.chplane.service.ApiKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Checks HTTP Basic credentials (key id : key secret) against the stored SHA-256 of the secret, in
 * constant time. Unknown, disabled and expired keys, and callers outside the key's IP access list,
 * get a 401. Failures are logged with the caller's address, rate-limited ({@link AuthFailureLog}),
 * never with what the caller sent.
 */
final class ApiKeyAuthenticator {
  // compared against when the key id is unknown, so that timing does not tell whether it exists
  private static final String DECOY = Hashes.sha256Hex("no such key");

  private final ApiKeys keys;
  private final Clock clock;
  private final AuthFailureLog failures;

  ApiKeyAuthenticator(ApiKeys keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
    this.failures = new AuthFailureLog(LoggerFactory.getLogger(ApiKeyAuthenticator.class), clock);
  }

  /** The caller's key, checked against its secret, state, expiry and IP access list. */
  ApiKey authenticate(String authorization, String clientAddress) {
    failures.sweep();
    try {
      return check(authorization, clientAddress);
    } catch (ApiException e) {
      failures.failed(clientAddress, e.getMessage());
      throw e;
    }
  }

  private ApiKey check(String authorization, String clientAddress) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      throw unauthorized("send the API key id and secret with HTTP Basic authentication");
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw unauthorized("the Basic credentials are not valid base64");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw unauthorized("the Basic credentials must be keyId:keySecret");
    }
    Optional<ApiKey> key = keys.byKeyIdHash(Hashes.sha256Hex(decoded.substring(0, colon)));
    String presented = Hashes.sha256Hex(decoded.substring(colon + 1));
    boolean match = Hashes.sameHex(presented, key.map(ApiKey::secretSha256Hex).orElse(DECOY));
    if (key.isEmpty() || !match || !key.get().enabled() || key.get().expiredAt(clock.instant())) {
      throw unauthorized("invalid, disabled or expired API key");
    }
    if (!IpMatcher.admits(key.get().ipAccessList(), clientAddress)) {
      throw unauthorized("this API key may not be used from " + clientAddress);
    }
    return key.get();
  }

  private static ApiException unauthorized(String message) {
    return new ApiException(ErrorCode.UNAUTHORIZED, message);
  }
}
