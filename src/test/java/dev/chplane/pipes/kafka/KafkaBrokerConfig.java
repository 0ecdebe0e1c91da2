package dev.chplane.pipes.kafka;

import dev.chplane.pipes.kafka.KafkaBroker.Listener;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The files a single-node KRaft broker starts from: server.properties and a quiet logback.xml. */
final class KafkaBrokerConfig {
  private KafkaBrokerConfig() {}

  static String serverProperties(
      Path dataDir, Map<Listener, Integer> ports, int controllerPort, KafkaTls tls) {
    String advertised =
        String.join(
            ",",
            ports.entrySet().stream()
                .map(e -> e.getKey().name() + "://127.0.0.1:" + e.getValue())
                .toList());
    List<String> lines =
        List.of(
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
            "controller.listener.names=CONTROLLER",
            "listeners=" + advertised + ",CONTROLLER://127.0.0.1:" + controllerPort,
            "advertised.listeners=" + advertised,
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL",
            "inter.broker.listener.name=PLAINTEXT",
            "log.dirs=" + dataDir,
            "listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
            "listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule"
                + " required user_"
                + KafkaBroker.PLAIN_USER
                + "=\""
                + KafkaBroker.PLAIN_PASSWORD
                + "\";",
            // SCRAM credentials live in the metadata log (added at format time); the module only
            // needs naming
            "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;",
            "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;",
            "listener.name.ssl.ssl.client.auth=required",
            "listener.name.ssl.ssl.keystore.type=PKCS12",
            "listener.name.ssl.ssl.keystore.location=" + tls.keyStore(),
            "listener.name.ssl.ssl.keystore.password=" + tls.storePassword(),
            "listener.name.ssl.ssl.key.password=" + tls.storePassword(),
            "listener.name.ssl.ssl.truststore.type=PKCS12",
            "listener.name.ssl.ssl.truststore.location=" + tls.trustStore(),
            "listener.name.ssl.ssl.truststore.password=" + tls.storePassword(),
            "num.partitions=1",
            "offsets.topic.replication.factor=1",
            // a small offsets topic is created faster when the first consumer group appears
            "offsets.topic.num.partitions=3",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=false");
    return String.join("\n", lines) + "\n";
  }

  /** Warnings and the start/stop lines only, to a file: the broker is chatty at INFO. */
  static String logback(Path logFile) {
    return """
        <configuration>
          <appender name="FILE" class="ch.qos.logback.core.FileAppender">
            <file>%s</file>
            <encoder><pattern>%%d{HH:mm:ss.SSS} %%-5level [%%thread] %%logger{30} - %%msg%%n</pattern></encoder>
          </appender>
          <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
          <root level="WARN"><appender-ref ref="FILE"/></root>
        </configuration>
        """
        .formatted(logFile);
  }
}
