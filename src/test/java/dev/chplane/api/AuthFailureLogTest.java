package dev.chplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.testing.LogCapture;
import dev.chplane.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuthFailureLogTest {
  @RegisterExtension final LogCapture log = new LogCapture("test.AuthFailureLogTest");
  private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final AuthFailureLog failures = new AuthFailureLog(log.logger(), clock);

  @Test
  void theFirstFailureIsLoggedAndTheRestSummedUpOncePerMinutePerAddress() {
    failures.failed("1.2.3.4", "invalid, disabled or expired API key");
    for (int i = 0; i < 1000; i++) {
      clock.advance(Duration.ofMillis(100));
      failures.failed("1.2.3.4", "invalid, disabled or expired API key");
    }
    failures.failed("5.6.7.8", "this API key may not be used from 5.6.7.8");
    assertThat(lines())
        .containsExactly(
            "authentication failed from 1.2.3.4: invalid, disabled or expired API key"
                + " (further failures from there are summed up once a minute)",
            "599 more failed authentications from 1.2.3.4 since 2026-01-01T00:00:00Z",
            "authentication failed from 5.6.7.8: this API key may not be used from 5.6.7.8"
                + " (further failures from there are summed up once a minute)");

    clock.advance(Duration.ofSeconds(19));
    failures.sweep();
    assertThat(lines()).hasSize(3);
    clock.advance(Duration.ofSeconds(1));
    failures.sweep();
    assertThat(lines())
        .hasSize(4)
        .last()
        .isEqualTo("401 more failed authentications from 1.2.3.4 since 2026-01-01T00:01:00Z");
    clock.advance(Duration.ofMinutes(5));
    failures.sweep();
    assertThat(lines()).hasSize(4);
  }

  @Test
  void aQuietAddressIsForgottenAndItsNextFailureLoggedAgain() {
    failures.failed("1.2.3.4", "bad");
    clock.advance(Duration.ofMinutes(2));
    failures.sweep();
    assertThat(lines()).hasSize(1);
    failures.failed("1.2.3.4", "bad");
    assertThat(lines())
        .hasSize(2)
        .last()
        .asString()
        .startsWith("authentication failed from 1.2.3.4: bad");
  }

  @Test
  void manyAddressesShareOneLineOnceTheTableIsFull() {
    for (int i = 0; i < AuthFailureLog.MAX_ADDRESSES + 50; i++) {
      failures.failed("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255), "bad");
    }
    assertThat(lines())
        .hasSize(AuthFailureLog.MAX_ADDRESSES + 1)
        .last()
        .asString()
        .startsWith("authentication failed from other addresses: bad");
  }

  private List<String> lines() {
    return log.messages();
  }
}
