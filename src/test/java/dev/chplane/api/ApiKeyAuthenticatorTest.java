package dev.chplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.chplane.security.Secrets;
import dev.chplane.service.ApiKeys;
import dev.chplane.service.Bootstrap;
import dev.chplane.store.EmbeddedStore;
import dev.chplane.store.MetadataStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Failed authentications are logged with the caller's address and never with what the caller sent.
 */
class ApiKeyAuthenticatorTest {
  private static final String KEY_ID = "6f4c1c52-0000-4000-8000-0000000000aa";
  private static final String SECRET = "the-real-secret-0123456789";
  private static final String WRONG = "a-mistyped-secret-4711";

  @TempDir Path dir;

  @Test
  void failuresAreLoggedWithTheAddressButNeverTheSecret() {
    Logger logger = (Logger) LoggerFactory.getLogger(ApiKeyAuthenticator.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try (MetadataStore store = EmbeddedStore.open(dir.resolve("meta"))) {
      Bootstrap.run(
          store,
          new Bootstrap.Preset("6f4c1c52-0000-4000-8000-000000000001", KEY_ID, SECRET),
          dir.resolve("bootstrap-key.txt"),
          new Secrets(),
          new PrintStream(PrintStream.nullOutputStream()));
      ApiKeyAuthenticator authenticator =
          new ApiKeyAuthenticator(new ApiKeys(store, new Secrets()), Clock.systemUTC());

      assertThat(authenticator.authenticate(basic(KEY_ID + ":" + SECRET), "10.0.0.1").enabled())
          .isTrue();
      assertThatThrownBy(() -> authenticator.authenticate(basic(KEY_ID + ":" + WRONG), "10.0.0.2"))
          .isInstanceOf(ApiException.class);
      assertThatThrownBy(() -> authenticator.authenticate(basic(WRONG + ":" + SECRET), "10.0.0.3"))
          .isInstanceOf(ApiException.class);
      assertThatThrownBy(() -> authenticator.authenticate(basic(SECRET), "10.0.0.4"))
          .isInstanceOf(ApiException.class);
      assertThatThrownBy(() -> authenticator.authenticate("Bearer " + SECRET, "10.0.0.5"))
          .isInstanceOf(ApiException.class);
      assertThatThrownBy(() -> authenticator.authenticate(basic(KEY_ID + ":" + WRONG), "10.0.0.2"))
          .isInstanceOf(ApiException.class);
    } finally {
      logger.detachAppender(appender);
    }
    assertThat(appender.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .hasSize(4)
        .allSatisfy(
            line ->
                assertThat(line)
                    .doesNotContain(SECRET)
                    .doesNotContain(WRONG)
                    .doesNotContain(KEY_ID)
                    .doesNotContain(
                        Base64.getEncoder()
                            .encodeToString(
                                (KEY_ID + ":" + WRONG).getBytes(StandardCharsets.UTF_8))))
        .anySatisfy(line -> assertThat(line).startsWith("authentication failed from 10.0.0.2: "))
        .anySatisfy(line -> assertThat(line).startsWith("authentication failed from 10.0.0.5: "))
        .noneSatisfy(line -> assertThat(line).contains("10.0.0.1"));
  }

  private static String basic(String credentials) {
    return "Basic "
        + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }
}
