package dev.chplane.provision.local;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The class path of a ZooKeeper node's JVM: the jars (or class directories) from which this JVM
 * loads the ZooKeeper server and what it needs at run time, and nothing else of chplane's. Taken
 * from where the classes were really loaded rather than from {@code java.class.path}, so it is the
 * same under {@code java -jar chplane.jar} (whose manifest names {@code lib/*.jar}), under Maven's
 * test runners (whose class path is a manifest-only jar) and in an IDE.
 */
final class ZooKeeperClassPath {

  /**
   * One class of each jar the server needs. Its pom marks metrics-core, snappy-java and commons-cli
   * as provided; without the first two the server does not start. Logback logs for it (its config
   * is {@code logback.xml} in the node's directory).
   */
  static final List<String> CLASSES =
      List.of(
          "org.apache.zookeeper.server.quorum.QuorumPeerMain",
          "org.apache.jute.Record",
          "org.apache.yetus.audience.InterfaceAudience",
          "io.netty.util.concurrent.Future",
          "io.netty.buffer.ByteBuf",
          "io.netty.resolver.AddressResolver",
          "io.netty.channel.Channel",
          "io.netty.handler.codec.ByteToMessageDecoder",
          "io.netty.handler.ssl.SslContext",
          "io.netty.channel.unix.Socket",
          "io.netty.channel.epoll.Epoll",
          "org.apache.commons.io.FileUtils",
          "com.codahale.metrics.Reservoir",
          "org.xerial.snappy.SnappyInputStream",
          "org.apache.commons.cli.Options",
          "org.slf4j.Logger",
          "ch.qos.logback.classic.Logger",
          "ch.qos.logback.core.Appender");

  private ZooKeeperClassPath() {}

  /**
   * The locations of {@link #CLASSES} as {@code loader} finds them, in that order, each once.
   *
   * @throws IllegalStateException naming a class that {@code loader} cannot find
   */
  static List<Path> locations(ClassLoader loader) {
    Set<Path> out = new LinkedHashSet<>();
    for (String name : CLASSES) {
      out.add(location(name, loader));
    }
    return List.copyOf(out);
  }

  /** {@link #locations} as a {@code -cp} argument. */
  static String of(ClassLoader loader) {
    return locations(loader).stream().map(Path::toString).collect(Collectors.joining(":"));
  }

  private static Path location(String className, ClassLoader loader) {
    try {
      CodeSource source =
          Class.forName(className, false, loader).getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null) {
        throw new IllegalStateException("no location is known for " + className);
      }
      return Path.of(source.getLocation().toURI()).toAbsolutePath();
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "ZooKeeper cannot run: " + className + " is missing from chplane's class path", e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the location of " + className + " is not a path", e);
    }
  }
}
