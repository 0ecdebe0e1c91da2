package dev.chplane.startup;

/**
 * chplane will not start, for a reason the operator can act on. The message is one sentence that
 * says what was found and what to do; {@code chplane serve} prints it without a stack trace.
 */
public final class StartRefused extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StartRefused(String message) {
    super(message);
  }
}
