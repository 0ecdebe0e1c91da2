package dev.chplane.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Logs failed authentications without flooding the log: the first failure from an address is logged
 * at once with its reason; further failures from that address are counted and summed up in one line
 * per {@link #WINDOW} ("N failed authentications from 1.2.3.4 since ..."). Only the address and
 * chplane's own reason are logged, never what the caller sent (a secret, even a mistyped one, stays
 * out of the log). At most {@link #MAX_ADDRESSES} addresses are tracked; beyond that, failures are
 * counted under "other addresses".
 */
final class AuthFailureLog {
  static final Duration WINDOW = Duration.ofMinutes(1);
  static final int MAX_ADDRESSES = 10_000;
  static final String OTHER_ADDRESSES = "other addresses";
  private static final Duration SWEEP_EVERY = Duration.ofSeconds(1);

  private final Logger log;
  private final Clock clock;

  /**
   * Per address, the window's start and the failures in it not yet logged; guarded by {@code this}.
   */
  private final Map<String, Window> windows = new HashMap<>();

  private Instant lastSweep = Instant.MIN;

  private record Window(Instant start, int unlogged) {}

  AuthFailureLog(Logger log, Clock clock) {
    this.log = log;
    this.clock = clock;
  }

  /**
   * One failed authentication from {@code address}, for {@code reason} (chplane's text, not the
   * caller's).
   */
  synchronized void failed(String address, String reason) {
    Instant now = clock.instant();
    sweep(now);
    String key =
        windows.containsKey(address) || windows.size() < MAX_ADDRESSES ? address : OTHER_ADDRESSES;
    Window window = windows.get(key);
    if (window == null) {
      windows.put(key, new Window(now, 0));
      log.warn(
          "authentication failed from {}: {} (further failures from there are summed up once a minute)",
          key,
          reason);
    } else {
      windows.put(key, new Window(window.start(), window.unlogged() + 1));
    }
  }

  /**
   * Writes the summaries that are due; called on every authentication, so a quiet API writes none.
   */
  synchronized void sweep() {
    sweep(clock.instant());
  }

  private void sweep(Instant now) {
    if (now.isBefore(lastSweep.plus(SWEEP_EVERY))) {
      return;
    }
    lastSweep = now;
    for (Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Window> entry = it.next();
      Window window = entry.getValue();
      if (now.isBefore(window.start().plus(WINDOW))) {
        continue;
      }
      if (window.unlogged() == 0) {
        it.remove();
      } else {
        log.warn(
            "{} more failed authentication{} from {} since {}",
            window.unlogged(),
            window.unlogged() == 1 ? "" : "s",
            entry.getKey(),
            window.start());
        entry.setValue(new Window(now, 0));
      }
    }
  }
}
