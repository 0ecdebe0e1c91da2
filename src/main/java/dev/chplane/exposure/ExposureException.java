package dev.chplane.exposure;

/** An endpoint could not be exposed (e.g. its port is taken); the next pass tries again. */
public class ExposureException extends Exception {
  public ExposureException(String message, Throwable cause) {
    super(message, cause);
  }
}
