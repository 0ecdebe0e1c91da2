package dev.chplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chplane.domain.BackupConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackupConfigurationRequestTest {
  private static final BackupConfiguration CURRENT = new BackupConfiguration(12, 48, "03:30");

  private static BackupConfiguration apply(String json, BackupConfiguration current) {
    return ServiceRequests.backupConfiguration(JsonBodyTest.body(json)).apply(current);
  }

  @ParameterizedTest
  @ValueSource(ints = {6, 8, 12, 16, 20, 24, 36, 48})
  void offeredPeriodsAreAccepted(int period) {
    assertThat(apply("{\"backupPeriodInHours\":" + period + "}", CURRENT).periodHours())
        .isEqualTo(period);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 10, 47, 49, -6})
  void otherPeriodsAreRefused(int period) {
    assertThatThrownBy(() -> apply("{\"backupPeriodInHours\":" + period + "}", CURRENT))
        .isInstanceOf(ApiException.class)
        .hasMessageStartingWith("backupPeriodInHours: ");
  }

  @Test
  void zeroPeriodMeansUnset() {
    assertThat(apply("{\"backupPeriodInHours\":0}", CURRENT).periodHours()).isNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {24, 48, 720, 1080})
  void retentionInWholeDaysIsAccepted(int hours) {
    assertThat(apply("{\"backupRetentionPeriodInHours\":" + hours + "}", CURRENT).retentionHours())
        .isEqualTo(hours);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 23, 25, 36, 1104})
  void otherRetentionsAreRefused(int hours) {
    assertThatThrownBy(() -> apply("{\"backupRetentionPeriodInHours\":" + hours + "}", CURRENT))
        .hasMessageStartingWith("backupRetentionPeriodInHours: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"00:00", "09:05", "23:59"})
  void startTimeInHhMmIsAccepted(String time) {
    assertThat(apply("{\"backupStartTime\":\"" + time + "\"}", CURRENT).startTime())
        .isEqualTo(time);
  }

  @ParameterizedTest
  @ValueSource(strings = {"24:00", "9:05", "10:60", "10:00:00", "noon"})
  void malformedStartTimeIsRefused(String time) {
    assertThatThrownBy(() -> apply("{\"backupStartTime\":\"" + time + "\"}", CURRENT))
        .hasMessageStartingWith("backupStartTime: ");
  }

  @Test
  void explicitNullResetsFieldToDefault() {
    BackupConfiguration out =
        apply(
            "{\"backupPeriodInHours\":null,\"backupRetentionPeriodInHours\":null,\"backupStartTime\":null}",
            CURRENT);
    assertThat(out).isEqualTo(BackupConfiguration.defaults());
  }

  @Test
  void absentFieldsKeepTheirCurrentValue() {
    assertThat(apply("{}", CURRENT)).isEqualTo(CURRENT);
    assertThat(apply("{\"backupRetentionPeriodInHours\":96}", CURRENT))
        .isEqualTo(new BackupConfiguration(12, 96, "03:30"));
  }
}
