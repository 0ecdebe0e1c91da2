package dev.chplane.domain;

import java.util.Locale;

/**
 * The state of a backup: {@link #IN_PROGRESS} becomes {@link #DONE} when its manifest is stored, or
 * {@link #ERROR} when it fails or chplane stopped during it. Both are final.
 */
public enum BackupStatus {
  IN_PROGRESS,
  DONE,
  ERROR;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
