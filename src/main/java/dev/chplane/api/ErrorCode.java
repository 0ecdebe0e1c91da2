package dev.chplane.api;

/**
 * The error kinds the API reports, each with its HTTP status and the word that prefixes the wire
 * message.
 */
public enum ErrorCode {
  BAD_REQUEST(400),
  UNAUTHORIZED(401),
  FORBIDDEN(403),
  NOT_FOUND(404),
  CONFLICT(409),
  FAILED_DEPENDENCY(424),
  /** The disk holding chplane's data is full, or below the free space chplane keeps. */
  INSUFFICIENT_STORAGE(507),
  INTERNAL_ERROR(500);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
