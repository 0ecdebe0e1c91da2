package dev.chplane.provision.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZooKeeperClassPathTest {

  @Test
  void holdsTheServerAndWhatItNeedsAndNothingOfChplane() {
    List<Path> jars = ZooKeeperClassPath.locations(getClass().getClassLoader());

    assertThat(jars).allMatch(Files::exists).doesNotHaveDuplicates();
    assertThat(jars.stream().map(p -> p.getFileName().toString()))
        .anyMatch(n -> n.startsWith("zookeeper-3."))
        .anyMatch(n -> n.startsWith("zookeeper-jute-"))
        .anyMatch(n -> n.startsWith("metrics-core-4."))
        .anyMatch(n -> n.startsWith("snappy-java-"))
        .anyMatch(n -> n.startsWith("logback-classic-"))
        .noneMatch(n -> n.startsWith("javalin") || n.equals("classes") || n.contains("tcnative"));
    assertThat(ZooKeeperClassPath.of(getClass().getClassLoader()).split(":")).hasSize(jars.size());
  }
}
