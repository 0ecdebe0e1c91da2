package dev.chplane.domain;

import java.util.Locale;

/**
 * A full backup starts a chain; an incremental one copies only parts the chain does not hold yet.
 */
public enum BackupType {
  FULL,
  INCREMENTAL;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
