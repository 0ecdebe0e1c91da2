package dev.chplane.pipes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.domain.ClickPipe;
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
  public String seal(PipeCredentials credentials) {
    if (credentials == null || credentials.equals(PipeCredentials.NONE)) {
      return null;
    }
    try {
      return cipher.encrypt(json.writeValueAsString(credentials));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  PipeCredentials read(ClickPipe pipe) {
    if (pipe.encryptedCredentials() == null) {
      return PipeCredentials.NONE;
    }
    try {
      return json.readValue(cipher.decrypt(pipe.encryptedCredentials()), PipeCredentials.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored credentials of pipe " + pipe.id() + " are not readable", e);
    }
  }
}
