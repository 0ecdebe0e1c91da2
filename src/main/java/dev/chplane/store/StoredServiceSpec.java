package dev.chplane.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.chplane.domain.ServiceSpec;
import java.util.List;
import java.util.UUID;

/**
 * A service spec as stored in {@code services.spec}. The JSON names are pinned here and do not
 * follow the domain record: a renamed {@link ServiceSpec} component changes the mapping below, not
 * the stored text. {@code tier}, {@code releaseChannel}, {@code dataWarehouseId}, {@code
 * enableCoreDumps} and {@code restoreFrom} may be null or absent (not set); every other field is
 * required.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({
  "name",
  "provider",
  "region",
  "tier",
  "ipAccessList",
  "scaling",
  "releaseChannel",
  "readonly",
  "dataWarehouseId",
  "mysqlEnabled",
  "tags",
  "enableCoreDumps",
  "backupConfiguration",
  "restoreFrom"
})
record StoredServiceSpec(
    @JsonProperty("name") String name,
    @JsonProperty("provider") String provider,
    @JsonProperty("region") String region,
    @JsonProperty("tier") String tier,
    @JsonProperty("ipAccessList") List<StoredIpEntry> ipAccessList,
    @JsonProperty("scaling") StoredScaling scaling,
    @JsonProperty("releaseChannel") String releaseChannel,
    @JsonProperty("readonly") Boolean readonly,
    @JsonProperty("dataWarehouseId") String dataWarehouseId,
    @JsonProperty("mysqlEnabled") Boolean mysqlEnabled,
    @JsonProperty("tags") List<StoredTag> tags,
    @JsonProperty("enableCoreDumps") Boolean enableCoreDumps,
    @JsonProperty("backupConfiguration") StoredBackupConfiguration backupConfiguration,
    @JsonProperty("restoreFrom") UUID restoreFrom) {

  private static final String ROOT = "serviceSpec";

  static StoredServiceSpec from(ServiceSpec s) {
    return new StoredServiceSpec(
        s.name(),
        s.provider(),
        s.region(),
        s.tier(),
        StoredIpEntry.fromList(s.ipAccessList()),
        StoredScaling.from(s.scaling()),
        s.releaseChannel(),
        s.readonly(),
        s.dataWarehouseId(),
        s.mysqlEnabled(),
        s.tags().stream().map(StoredTag::from).toList(),
        s.enableCoreDumps(),
        StoredBackupConfiguration.from(s.backupConfiguration()),
        s.restoreFrom());
  }

  ServiceSpec toDomain() {
    return new ServiceSpec(
        StoredFields.required(name, ROOT + ".name"),
        StoredFields.required(provider, ROOT + ".provider"),
        StoredFields.required(region, ROOT + ".region"),
        tier,
        StoredIpEntry.toDomainList(ipAccessList, ROOT + ".ipAccessList"),
        StoredFields.required(scaling, ROOT + ".scaling").toDomain(),
        releaseChannel,
        StoredFields.required(readonly, ROOT + ".readonly"),
        dataWarehouseId,
        StoredFields.required(mysqlEnabled, ROOT + ".mysqlEnabled"),
        StoredFields.requiredList(tags, ROOT + ".tags", StoredTag::toDomain),
        enableCoreDumps,
        StoredFields.required(backupConfiguration, ROOT + ".backupConfiguration").toDomain(),
        restoreFrom);
  }
}
