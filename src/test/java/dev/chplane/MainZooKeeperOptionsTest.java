package dev.chplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The ZooKeeper options are checked before anything starts. */
class MainZooKeeperOptionsTest {
  @TempDir Path dataDir;

  @Test
  void refusesANodeCountOtherThanOneOrThree() {
    assertThat(serve("--zookeeper-nodes", "2"))
        .contains("--zookeeper-nodes must be 1 or 3, not '2'");
    assertThat(serve("--zookeeper-nodes", "x")).contains("--zookeeper-nodes must be 1 or 3");
  }

  @Test
  void refusesAnEnsembleThatIsNoListOfHostsAndPorts() {
    assertThat(serve("--zookeeper", "zk1:2181,zk2")).contains("--zookeeper: ").contains("zk2");
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
