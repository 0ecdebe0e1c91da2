package dev.chplane.provision.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooKeeperPortFileTest {
  @TempDir Path dir;

  @Test
  void recordsThePortsOfEachNodeOwnerOnly() throws Exception {
    ZooKeeperPortFile file = new ZooKeeperPortFile(dir.resolve("ports"));
    assertThat(file.load()).isEmpty();
    assertThat(file.taken()).isEmpty();

    Map<Integer, ZooKeeperNodePorts> ports =
        Map.of(1, new ZooKeeperNodePorts(1, 2, 3), 3, new ZooKeeperNodePorts(7, 8, 9));
    file.save(ports);

    assertThat(new ZooKeeperPortFile(dir.resolve("ports")).load()).isEqualTo(ports);
    assertThat(file.taken()).containsExactlyInAnyOrder(1, 2, 3, 7, 8, 9);
    assertThat(Files.getPosixFilePermissions(dir.resolve("ports")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }
}
