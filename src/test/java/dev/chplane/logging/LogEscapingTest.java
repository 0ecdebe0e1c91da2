package dev.chplane.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** chplane's own logback.xml writes each event as one line, whatever text a user put in a name. */
class LogEscapingTest {
  private static final String FORGED =
      "pipe\n2026-01-01 00:00:00.000 INFO  [main] d.c.a.ApiServer - forged\r\u2028x\u001b[2K";

  @Test
  void aNameWithLineBreaksStaysOnOneLogLine() throws Exception {
    List<String> lines =
        logThroughChplaneConfig(
            (log) -> log.info("service {}: created with name {}", "id-1", FORGED));
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .contains("created with name pipe\\n2026-01-01 00:00:00.000 INFO")
        .contains("forged\\r\\u2028x\\u001b[2K")
        .doesNotContain("\u001b");
  }

  @Test
  void anExceptionMessageCannotAddLinesToItsStackTrace() throws Exception {
    List<String> lines =
        logThroughChplaneConfig(
            (log) ->
                log.error(
                    "request failed",
                    new IllegalStateException(
                        "bad name " + FORGED, new RuntimeException("cause\nINFO forged too"))));
    assertThat(lines).noneMatch(l -> l.startsWith("2026-01-01") || l.startsWith("INFO forged"));
    assertThat(lines)
        .anyMatch(l -> l.startsWith("java.lang.IllegalStateException: bad name pipe\\n2026-01-01"));
    assertThat(lines)
        .anyMatch(
            l -> l.startsWith("Caused by: java.lang.RuntimeException: cause\\nINFO forged too"));
    assertThat(lines).anyMatch(l -> l.contains("at dev.chplane.logging.LogEscapingTest"));
  }

  @Test
  void plainTextIsUnchanged() {
    assertThat(LogText.escape("service 1: größe ✓ \"quoted\" \\n"))
        .isEqualTo("service 1: größe ✓ \"quoted\" \\n");
    assertThat(LogText.escape("a\tb\u0000c\u007fd\u202ee"))
        .isEqualTo("a\\tb\\u0000c\\u007fd\\u202ee");
  }

  private static List<String> logThroughChplaneConfig(java.util.function.Consumer<Logger> logging)
      throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogEscapingTest.class.getResource("/logback.xml"));
      ((OutputStreamAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE"))
          .setOutputStream(captured);
      logging.accept(context.getLogger("dev.chplane.api.ApiServer"));
    } finally {
      context.stop();
    }
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
