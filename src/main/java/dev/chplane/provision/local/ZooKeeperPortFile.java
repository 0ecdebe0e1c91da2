package dev.chplane.provision.local;

import dev.chplane.security.OwnerOnlyFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ports of chplane's ZooKeeper nodes, recorded once in an owner-only file ({@code
 * node.<id>=client,quorum,election}) and never changed: ClickHouse servers' configs name the client
 * ports, and the nodes of an ensemble name each other's.
 */
final class ZooKeeperPortFile {
  private final Path file;

  ZooKeeperPortFile(Path file) {
    this.file = file;
  }

  /** The recorded ports by node id (1-based); empty when none are recorded. */
  Map<Integer, ZooKeeperNodePorts> load() {
    Map<Integer, ZooKeeperNodePorts> out = new TreeMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(Files.readString(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    for (String key : properties.stringPropertyNames()) {
      if (!key.startsWith("node.")) {
        continue;
      }
      try {
        out.put(
            Integer.parseInt(key.substring("node.".length())),
            ZooKeeperNodePorts.parse(properties.getProperty(key)));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(file + ": " + key + " is broken: " + e.getMessage(), e);
      }
    }
    return out;
  }

  void save(Map<Integer, ZooKeeperNodePorts> ports) throws IOException {
    StringBuilder text =
        new StringBuilder(
            "# the ports of chplane's ZooKeeper nodes (client,quorum,election); ClickHouse servers'"
                + " configs name them: do not change\n");
    new TreeMap<>(ports)
        .forEach(
            (id, p) -> text.append("node.").append(id).append('=').append(p.text()).append('\n'));
    OwnerOnlyFiles.write(file, text.toString());
  }

  /** Every recorded port, for the installation's port allocator to avoid. */
  Set<Integer> taken() {
    Set<Integer> out = new HashSet<>();
    for (ZooKeeperNodePorts p : load().values()) {
      out.add(p.client());
      out.add(p.quorum());
      out.add(p.election());
    }
    return out;
  }
}
