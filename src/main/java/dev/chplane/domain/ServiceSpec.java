package dev.chplane.domain;

import java.util.List;
import java.util.UUID;

/**
 * Everything the user configured on a service, held as sent so that reads echo it exactly. Optional
 * strings ({@code tier}, {@code releaseChannel}, {@code dataWarehouseId}) are null when not sent.
 * {@code restoreFrom} names the backup a new service starts from (null: none).
 */
public record ServiceSpec(
    String name,
    String provider,
    String region,
    String tier,
    List<IpAccessEntry> ipAccessList,
    Scaling scaling,
    String releaseChannel,
    boolean readonly,
    String dataWarehouseId,
    boolean mysqlEnabled,
    List<Tag> tags,
    Boolean enableCoreDumps,
    BackupConfiguration backupConfiguration,
    UUID restoreFrom) {

  public ServiceSpec {
    ipAccessList = List.copyOf(ipAccessList);
    tags = List.copyOf(tags);
  }

  /** A spec of a service that does not start from a backup. */
  public ServiceSpec(
      String name,
      String provider,
      String region,
      String tier,
      List<IpAccessEntry> ipAccessList,
      Scaling scaling,
      String releaseChannel,
      boolean readonly,
      String dataWarehouseId,
      boolean mysqlEnabled,
      List<Tag> tags,
      Boolean enableCoreDumps,
      BackupConfiguration backupConfiguration) {
    this(
        name,
        provider,
        region,
        tier,
        ipAccessList,
        scaling,
        releaseChannel,
        readonly,
        dataWarehouseId,
        mysqlEnabled,
        tags,
        enableCoreDumps,
        backupConfiguration,
        null);
  }

  public ServiceSpec withRestoreFrom(UUID backupId) {
    return new ServiceSpec(
        name,
        provider,
        region,
        tier,
        ipAccessList,
        scaling,
        releaseChannel,
        readonly,
        dataWarehouseId,
        mysqlEnabled,
        tags,
        enableCoreDumps,
        backupConfiguration,
        backupId);
  }

  public ServiceSpec withName(String value) {
    return new ServiceSpec(
        value,
        provider,
        region,
        tier,
        ipAccessList,
        scaling,
        releaseChannel,
        readonly,
        dataWarehouseId,
        mysqlEnabled,
        tags,
        enableCoreDumps,
        backupConfiguration,
        restoreFrom);
  }

  public ServiceSpec withIpAccessList(List<IpAccessEntry> value) {
    return new ServiceSpec(
        name,
        provider,
        region,
        tier,
        value,
        scaling,
        releaseChannel,
        readonly,
        dataWarehouseId,
        mysqlEnabled,
        tags,
        enableCoreDumps,
        backupConfiguration,
        restoreFrom);
  }

  public ServiceSpec withScaling(Scaling value) {
    return new ServiceSpec(
        name,
        provider,
        region,
        tier,
        ipAccessList,
        value,
        releaseChannel,
        readonly,
        dataWarehouseId,
        mysqlEnabled,
        tags,
        enableCoreDumps,
        backupConfiguration,
        restoreFrom);
  }

  public ServiceSpec withReleaseChannel(String value) {
    return new ServiceSpec(
        name,
        provider,
        region,
        tier,
        ipAccessList,
        scaling,
        value,
        readonly,
        dataWarehouseId,
        mysqlEnabled,
        tags,
        enableCoreDumps,
        backupConfiguration,
        restoreFrom);
  }

  public ServiceSpec withMysqlEnabled(boolean value) {
    return new ServiceSpec(
        name,
        provider,
        region,
        tier,
        ipAccessList,
        scaling,
        releaseChannel,
        readonly,
        dataWarehouseId,
        value,
        tags,
        enableCoreDumps,
        backupConfiguration,
        restoreFrom);
  }

  public ServiceSpec withTags(List<Tag> value) {
    return new ServiceSpec(
        name,
        provider,
        region,
        tier,
        ipAccessList,
        scaling,
        releaseChannel,
        readonly,
        dataWarehouseId,
        mysqlEnabled,
        value,
        enableCoreDumps,
        backupConfiguration,
        restoreFrom);
  }

  public ServiceSpec withEnableCoreDumps(Boolean value) {
    return new ServiceSpec(
        name,
        provider,
        region,
        tier,
        ipAccessList,
        scaling,
        releaseChannel,
        readonly,
        dataWarehouseId,
        mysqlEnabled,
        tags,
        value,
        backupConfiguration,
        restoreFrom);
  }

  public ServiceSpec withBackupConfiguration(BackupConfiguration value) {
    return new ServiceSpec(
        name,
        provider,
        region,
        tier,
        ipAccessList,
        scaling,
        releaseChannel,
        readonly,
        dataWarehouseId,
        mysqlEnabled,
        tags,
        enableCoreDumps,
        value,
        restoreFrom);
  }
}
