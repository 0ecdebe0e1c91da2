package dev.chplane.pipes;

/**
 * The secrets of a pipe's source as the client sent them: a user name and password (PLAIN, SCRAM)
 * or a client certificate and key in PEM (MUTUAL_TLS). Kept only encrypted; never returned.
 */
public record PipeCredentials(String username, String password, String certificate, String privateKey) {

  public static final PipeCredentials NONE = new PipeCredentials(null, null, null, null);

  @Override
  public String toString() {
    return "PipeCredentials[redacted]";
  }
}
