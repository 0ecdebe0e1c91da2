package dev.chplane.pipes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.SourceCredentials;
import dev.chplane.json.JsonMappers;
import dev.chplane.security.CredentialCipher;

/** Seals a pipe's credentials for the store and opens them for its workers. */
public final class PipeSecrets {
  private final CredentialCipher cipher;
  private final ObjectMapper json = JsonMappers.strict();

  public PipeSecrets(CredentialCipher cipher) {
    this.cipher = cipher;
  }

  /** The stored form; null when there are none. */
  public String seal(SourceCredentials credentials) {
    if (credentials == null || credentials.none()) {
      return null;
    }
    try {
      return cipher.encrypt(json.writeValueAsString(credentials));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The credentials of the pipe's source, of the type its source names (the stored JSON carries no
   * type: it is the record's fields).
   */
  SourceCredentials read(ClickPipe pipe) {
    Class<? extends SourceCredentials> type = pipe.spec().source().credentialsType();
    try {
      if (pipe.encryptedCredentials() == null) {
        return json.readValue("{}", type);
      }
      return json.readValue(cipher.decrypt(pipe.encryptedCredentials()), type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "stored credentials of pipe " + pipe.id() + " are not readable", e);
    }
  }
}
