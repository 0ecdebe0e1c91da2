package dev.chplane.store;

/** A write was made from a copy that another write has since replaced. */
public class StaleVersionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StaleVersionException(String message) {
    super(message);
  }
}
