package dev.chplane.domain;

/**
 * The secrets of a Kafka source: a user name and password (PLAIN, SCRAM) or a client certificate
 * and key in PEM (MUTUAL_TLS).
 */
public record KafkaCredentials(
    String username, String password, String certificate, String privateKey)
    implements SourceCredentials {

  public static final KafkaCredentials NONE = new KafkaCredentials(null, null, null, null);

  @Override
  public boolean none() {
    return equals(NONE);
  }

  @Override
  public String toString() {
    return "KafkaCredentials[redacted]";
  }
}
