package dev.chplane.pipes.kafka;

import dev.chplane.pipes.kafka.KafkaBroker.Listener;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/** kafka-clients settings to reach a {@link KafkaBroker} through each of its listeners. */
public final class KafkaClients {
  private KafkaClients() {}

  public static Map<String, Object> plaintext(KafkaBroker broker) {
    return base(broker, Listener.PLAINTEXT);
  }

  /** {@code mechanism} is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. */
  public static Map<String, Object> sasl(
      KafkaBroker broker, String mechanism, String user, String password) {
    String module =
        mechanism.equals("PLAIN")
            ? "org.apache.kafka.common.security.plain.PlainLoginModule"
            : "org.apache.kafka.common.security.scram.ScramLoginModule";
    Map<String, Object> config = base(broker, Listener.SASL_PLAINTEXT);
    config.put(SaslConfigs.SASL_MECHANISM, mechanism);
    config.put(
        SaslConfigs.SASL_JAAS_CONFIG,
        module + " required username=\"" + user + "\" password=\"" + password + "\";");
    return config;
  }

  /** Trusts the broker's CA, and presents the client certificate when {@code withCertificate}. */
  public static Map<String, Object> tls(KafkaBroker broker, boolean withCertificate) {
    Map<String, Object> config = base(broker, Listener.SSL);
    config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
    config.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, broker.tls().caCertificatePem());
    if (withCertificate) {
      config.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
      config.put(
          SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, broker.tls().clientCertificatePem());
      config.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, broker.tls().clientKeyPem());
    }
    return config;
  }

  private static Map<String, Object> base(KafkaBroker broker, Listener listener) {
    Map<String, Object> config = new HashMap<>();
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(listener));
    config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, listener.name());
    return config;
  }
}
