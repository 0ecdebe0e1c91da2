package dev.chplane.provision.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files and the command line of one of chplane's ZooKeeper nodes, all under its directory
 * {@code <data-dir>/zookeeper/node-<id>/}: {@code zoo.cfg}, {@code logback.xml}, {@code data/}
 * (snapshots and transaction logs; {@code myid} in an ensemble) and the logs {@code zookeeper.log}
 * (rotated) and {@code stdout.log} (what the JVM itself prints).
 *
 * @param id the node's id, 1-based ({@code myid} in an ensemble)
 * @param dir the node's directory
 * @param ensemble the ports of every node of the ensemble by id, this one's included
 */
record ZooKeeperNodeConfig(int id, Path dir, Map<Integer, ZooKeeperNodePorts> ensemble) {

  static final String MAIN_CLASS = "org.apache.zookeeper.server.quorum.QuorumPeerMain";

  ZooKeeperNodeConfig {
    dir = dir.toAbsolutePath();
    ensemble = Map.copyOf(ensemble);
    if (!ensemble.containsKey(id)) {
      throw new IllegalArgumentException("node " + id + " is not in its ensemble");
    }
  }

  ZooKeeperNodePorts ports() {
    return ensemble.get(id);
  }

  Path configFile() {
    return dir.resolve("zoo.cfg");
  }

  Path dataDir() {
    return dir.resolve("data");
  }

  Path logbackFile() {
    return dir.resolve("logback.xml");
  }

  Path logFile() {
    return dir.resolve("zookeeper.log");
  }

  Path stdoutFile() {
    return dir.resolve("stdout.log");
  }

  boolean standalone() {
    return ensemble.size() == 1;
  }

  /**
   * {@code zoo.cfg}: loopback only, no admin server, the four-letter words chplane uses, small
   * preallocated transaction logs (the default is 64 MB per log) and hourly purging of old
   * snapshots.
   */
  String zooCfg() {
    StringBuilder s = new StringBuilder();
    s.append("# written by chplane; it is rewritten at every start\n");
    s.append("tickTime=2000\n");
    s.append("initLimit=10\n");
    s.append("syncLimit=5\n");
    s.append("dataDir=").append(dataDir()).append('\n');
    s.append("clientPort=").append(ports().client()).append('\n');
    s.append("clientPortAddress=127.0.0.1\n");
    s.append("admin.enableServer=false\n");
    s.append("4lw.commands.whitelist=ruok,srvr,mntr\n");
    s.append("preAllocSize=4096\n");
    s.append("autopurge.snapRetainCount=3\n");
    s.append("autopurge.purgeInterval=1\n");
    if (!standalone()) {
      new TreeMap<>(ensemble)
          .forEach(
              (peer, p) ->
                  s.append("server.")
                      .append(peer)
                      .append("=127.0.0.1:")
                      .append(p.quorum())
                      .append(':')
                      .append(p.election())
                      .append('\n'));
    }
    return s.toString();
  }

  /** {@code myid}, which a node of an ensemble reads from its data directory. */
  String myid() {
    return id + "\n";
  }

  /** Logback for the node's JVM: INFO to {@code zookeeper.log}, rotated at 10 MB, 3 kept. */
  String logbackXml() {
    String log = logFile().toString();
    return "<configuration>\n"
        + "  <appender name=\"FILE\" class=\"ch.qos.logback.core.rolling.RollingFileAppender\">\n"
        + "    <file>"
        + xml(log)
        + "</file>\n"
        + "    <rollingPolicy class=\"ch.qos.logback.core.rolling.FixedWindowRollingPolicy\">\n"
        + "      <fileNamePattern>"
        + xml(log)
        + ".%i</fileNamePattern>\n"
        + "      <minIndex>1</minIndex>\n"
        + "      <maxIndex>3</maxIndex>\n"
        + "    </rollingPolicy>\n"
        + "    <triggeringPolicy"
        + " class=\"ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy\">\n"
        + "      <maxFileSize>10MB</maxFileSize>\n"
        + "    </triggeringPolicy>\n"
        + "    <encoder><pattern>%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{30} -"
        + " %msg%n</pattern></encoder>\n"
        + "  </appender>\n"
        + "  <root level=\"INFO\"><appender-ref ref=\"FILE\"/></root>\n"
        + "</configuration>\n";
  }

  /**
   * The node's command line: {@code java} with a small heap, the config file as the last argument
   * (which is how a running node is recognized).
   */
  List<String> command(String javaBinary, String classPath) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary);
    command.add("-Xmx128m");
    command.add("-XX:+UseSerialGC");
    command.add("-Djava.awt.headless=true");
    command.add("-Dlogback.configurationFile=" + logbackFile());
    command.add("-cp");
    command.add(classPath);
    command.add(MAIN_CLASS);
    command.add(configFile().toString());
    return command;
  }

  private static String xml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
