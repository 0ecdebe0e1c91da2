package dev.chplane.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.chplane.domain.BackupConfiguration;

/**
 * A service's backup settings as stored; every one may be null or absent (the default, as in the
 * domain).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"periodHours", "retentionHours", "startTime"})
record StoredBackupConfiguration(
    @JsonProperty("periodHours") Integer periodHours,
    @JsonProperty("retentionHours") Integer retentionHours,
    @JsonProperty("startTime") String startTime) {

  static StoredBackupConfiguration from(BackupConfiguration b) {
    return new StoredBackupConfiguration(b.periodHours(), b.retentionHours(), b.startTime());
  }

  BackupConfiguration toDomain() {
    return new BackupConfiguration(periodHours, retentionHours, startTime);
  }
}
