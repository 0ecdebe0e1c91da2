package dev.chplane.domain;

/**
 * The secrets of a pipe's source as its user sent them, one record type per kind of source (see
 * {@link PipeSource#credentialsType()}). Kept only encrypted; never returned, never logged.
 */
public sealed interface SourceCredentials permits KafkaCredentials {

  /**
   * Whether there is nothing to keep (not named isEmpty: the stored JSON is the record's fields
   * only) (a source without authentication).
   */
  boolean none();
}
