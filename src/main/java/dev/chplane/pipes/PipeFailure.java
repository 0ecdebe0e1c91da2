package dev.chplane.pipes;

/** A pipe cannot go on: its source or destination refused it, or stayed unreachable too long. */
public final class PipeFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PipeFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
