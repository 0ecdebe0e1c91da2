package dev.chplane.api;

import dev.chplane.domain.DomainException;

/**
 * A failure the API reports: {@code {status, error, requestId}} with {@code error = "<CODE>:
 * <message>"}; the message names the field and the rule that failed. Thrown by the API's own checks
 * (request bodies, authentication, roles); a use case's refusal is a {@link DomainException}, which
 * {@link #from} maps.
 */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;

  public ApiException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  private ApiException(ErrorCode code, DomainException cause) {
    super(cause.getMessage(), cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(ErrorCode.BAD_REQUEST, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(ErrorCode.NOT_FOUND, message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(ErrorCode.CONFLICT, message);
  }

  /** The API's answer to a use case's refusal: one status per kind, the message as it is. */
  public static ApiException from(DomainException e) {
    return new ApiException(codeOf(e), e);
  }

  static ErrorCode codeOf(DomainException e) {
    if (e instanceof DomainException.InvalidInput) {
      return ErrorCode.BAD_REQUEST;
    }
    if (e instanceof DomainException.NotFound) {
      return ErrorCode.NOT_FOUND;
    }
    if (e instanceof DomainException.Conflict) {
      return ErrorCode.CONFLICT;
    }
    if (e instanceof DomainException.NotPermitted) {
      return ErrorCode.FORBIDDEN;
    }
    if (e instanceof DomainException.Unavailable) {
      return ErrorCode.FAILED_DEPENDENCY;
    }
    if (e instanceof DomainException.StorageFull) {
      return ErrorCode.INSUFFICIENT_STORAGE;
    }
    // unreachable while DomainException is sealed and every permitted kind is listed above
    // (ApiExceptionTest)
    return ErrorCode.INTERNAL_ERROR;
  }
}
