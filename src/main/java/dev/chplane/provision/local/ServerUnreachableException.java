package dev.chplane.provision.local;

import dev.chplane.provision.ProvisionException;

/**
 * A server could not be reached (connection refused or reset, or no connection within the connect
 * timeout), as opposed to an answer from a server: another replica of the service may be tried.
 */
public final class ServerUnreachableException extends ProvisionException {
  private static final long serialVersionUID = 1L;

  public ServerUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
