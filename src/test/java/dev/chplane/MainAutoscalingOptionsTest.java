package dev.chplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.reconcile.LoadPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The horizontal autoscaling options: defaults as documented, and checked before anything starts.
 */
class MainAutoscalingOptionsTest {
  @TempDir Path dataDir;

  @Test
  void theDefaultsAreTheDocumentedPolicy() {
    Main.Serve serve = CommandLine.populateCommand(new Main.Serve(), "--data-dir", "x");
    assertThat(serve.loadPolicy()).isEqualTo(LoadPolicy.DEFAULT);
    assertThat(LoadPolicy.DEFAULT)
        .isEqualTo(new LoadPolicy(Duration.ofSeconds(60), 0.70, 0.20, Duration.ofMinutes(5)));
  }

  @Test
  void theOptionsSetThePolicy() {
    Main.Serve serve =
        CommandLine.populateCommand(
            new Main.Serve(),
            "--autoscaling-window-seconds",
            "10",
            "--autoscaling-scale-up-above",
            "0.4",
            "--autoscaling-scale-down-below",
            "0.1",
            "--autoscaling-cool-down-seconds",
            "15");
    assertThat(serve.loadPolicy())
        .isEqualTo(new LoadPolicy(Duration.ofSeconds(10), 0.4, 0.1, Duration.ofSeconds(15)));
  }

  @Test
  void refusesValuesOutsideTheirRules() {
    assertThat(serve("--autoscaling-window-seconds", "0"))
        .contains("--autoscaling-window-seconds must be between 1 and 86400");
    assertThat(serve("--autoscaling-cool-down-seconds", "-5"))
        .contains("--autoscaling-cool-down-seconds must be between 1 and 86400");
    assertThat(
            serve("--autoscaling-scale-up-above", "0.2", "--autoscaling-scale-down-below", "0.3"))
        .contains("--autoscaling-scale-down-below must be at least 0 and below");
  }

  /** What {@code serve} printed to stderr; it must have exited with status 2. */
  private String serve(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream previous = System.err;
    int status;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      String[] all = new String[args.length + 3];
      all[0] = "serve";
      all[1] = "--data-dir";
      all[2] = dataDir.toString();
      System.arraycopy(args, 0, all, 3, args.length);
      status = new CommandLine(new Main()).execute(all);
    } finally {
      System.setErr(previous);
    }
    assertThat(status).isEqualTo(2);
    return err.toString(StandardCharsets.UTF_8);
  }
}
