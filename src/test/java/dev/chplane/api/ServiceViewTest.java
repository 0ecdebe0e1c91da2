package dev.chplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.domain.BackupConfiguration;
import org.junit.jupiter.api.Test;

class ServiceViewTest {

  @Test
  void defaultBackupConfigurationShowsDefaultPeriodAndRetention() {
    ObjectNode out = ServiceView.backupConfiguration(BackupConfiguration.defaults());
    assertThat(out.get("backupPeriodInHours").intValue()).isEqualTo(24);
    assertThat(out.get("backupRetentionPeriodInHours").intValue()).isEqualTo(24);
    assertThat(out.has("backupStartTime")).isFalse();
  }

  @Test
  void startTimeWithoutPeriodOmitsPeriodAndEchoesStartTime() {
    ObjectNode out = ServiceView.backupConfiguration(new BackupConfiguration(null, null, "10:00"));
    assertThat(out.has("backupPeriodInHours")).isFalse();
    assertThat(out.get("backupStartTime").textValue()).isEqualTo("10:00");
    assertThat(out.get("backupRetentionPeriodInHours").intValue()).isEqualTo(24);
  }

  @Test
  void setValuesAreEchoed() {
    ObjectNode out = ServiceView.backupConfiguration(new BackupConfiguration(12, 72, null));
    assertThat(out.get("backupPeriodInHours").intValue()).isEqualTo(12);
    assertThat(out.get("backupRetentionPeriodInHours").intValue()).isEqualTo(72);
  }

  @Test
  void periodSentWithStartTimeIsEchoedAsSent() {
    ObjectNode out = ServiceView.backupConfiguration(new BackupConfiguration(6, null, "01:00"));
    assertThat(out.get("backupPeriodInHours").intValue()).isEqualTo(6);
    assertThat(out.get("backupStartTime").textValue()).isEqualTo("01:00");
  }
}
