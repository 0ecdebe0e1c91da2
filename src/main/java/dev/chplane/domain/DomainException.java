package dev.chplane.domain;

/**
 * A refusal by a use case that the caller can act on, one subclass per kind. The message says what
 * failed, and where a request field is at fault it starts with the field's name ({@code "field:
 * rule"}); callers report it as it is. The API maps each kind to one HTTP status and error word
 * (its exception's {@code from}); nothing in the domain knows about HTTP.
 *
 * <p>Sealed so that a new kind cannot appear without the API deciding how to answer it.
 */
public abstract sealed class DomainException extends RuntimeException
    permits DomainException.InvalidInput,
        DomainException.NotFound,
        DomainException.Conflict,
        DomainException.NotPermitted,
        DomainException.Unavailable,
        DomainException.StorageFull {
  private static final long serialVersionUID = 1L;

  private DomainException(String message) {
    super(message);
  }

  /** A value breaks a rule: the message names the field and the rule. */
  public static InvalidInput invalidInput(String message) {
    return new InvalidInput(message);
  }

  /** {@code field} breaks {@code rule}. */
  public static InvalidInput invalidInput(String field, String rule) {
    return new InvalidInput(field + ": " + rule);
  }

  /** What the request names (a service, key, pipe, backup, endpoint) does not exist. */
  public static NotFound notFound(String message) {
    return new NotFound(message);
  }

  /** The request contradicts the current state (delete a running service, a duplicate key id). */
  public static Conflict conflict(String message) {
    return new Conflict(message);
  }

  /** The caller is known but this resource does not allow it what it asks. */
  public static NotPermitted notPermitted(String message) {
    return new NotPermitted(message);
  }

  /**
   * Something the operation needs (a service's server) is not running, did not wake or did not
   * answer.
   */
  public static Unavailable unavailable(String message) {
    return new Unavailable(message);
  }

  /** The disk holding chplane's data is full, or below the free space chplane keeps. */
  public static StorageFull storageFull(String message) {
    return new StorageFull(message);
  }

  /** See {@link #invalidInput(String)}. */
  public static final class InvalidInput extends DomainException {
    private static final long serialVersionUID = 1L;

    private InvalidInput(String message) {
      super(message);
    }
  }

  /** See {@link #notFound(String)}. */
  public static final class NotFound extends DomainException {
    private static final long serialVersionUID = 1L;

    private NotFound(String message) {
      super(message);
    }
  }

  /** See {@link #conflict(String)}. */
  public static final class Conflict extends DomainException {
    private static final long serialVersionUID = 1L;

    private Conflict(String message) {
      super(message);
    }
  }

  /** See {@link #notPermitted(String)}. */
  public static final class NotPermitted extends DomainException {
    private static final long serialVersionUID = 1L;

    private NotPermitted(String message) {
      super(message);
    }
  }

  /** See {@link #unavailable(String)}. */
  public static final class Unavailable extends DomainException {
    private static final long serialVersionUID = 1L;

    private Unavailable(String message) {
      super(message);
    }
  }

  /** See {@link #storageFull(String)}. */
  public static final class StorageFull extends DomainException {
    private static final long serialVersionUID = 1L;

    private StorageFull(String message) {
      super(message);
    }
  }
}
