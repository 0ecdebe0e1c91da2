package dev.chplane.provision;

/** A service's server could not be started, reconfigured or removed; the message says why. */
public class ProvisionException extends Exception {
  private static final long serialVersionUID = 1L;

  public ProvisionException(String message) {
    super(message);
  }

  public ProvisionException(String message, Throwable cause) {
    super(message, cause);
  }
}
