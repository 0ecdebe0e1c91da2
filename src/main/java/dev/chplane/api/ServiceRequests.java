package dev.chplane.api;

import dev.chplane.domain.BackupConfiguration;
import dev.chplane.domain.CloudCatalog;
import dev.chplane.domain.IpAccessEntry;
import dev.chplane.domain.IpSource;
import dev.chplane.domain.Scaling;
import dev.chplane.domain.ServiceSpec;
import dev.chplane.domain.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Reads the service request bodies of the official document into domain values, checking every
 * field before anything is stored. Fields that cannot apply to a self-hosted installation are
 * refused with a 400 that says why.
 */
final class ServiceRequests {
  private static final String TAG_PATTERN = "[a-zA-Z0-9._-]+";

  private ServiceRequests() {}

  static ServiceSpec create(JsonBody b, ScalingRequests scaling, MysqlSupport mysql) {
    String name = required(b, "name", b.text("name", 1, 50));
    String provider = required(b, "provider", b.oneOf("provider", CloudCatalog.PROVIDERS));
    String region = required(b, "region", b.oneOf("region", CloudCatalog.REGIONS));
    if (!CloudCatalog.REGIONS_BY_PROVIDER.get(provider).contains(region)) {
      throw b.bad("region", "'" + region + "' is not a region of provider '" + provider + "'");
    }
    String tier = b.oneOf("tier", CloudCatalog.TIERS).orElse(null);
    refuseCloudOnly(b);
    boolean readonly = b.bool("isReadonly").orElse(false);
    b.bool("privatePreviewTermsChecked");
    // which service it names, and whether it may be joined, the use case checks against the store
    String dataWarehouseId = uuid(b, "dataWarehouseId").map(UUID::toString).orElse(null);
    if (readonly && dataWarehouseId == null) {
      throw b.bad(
          "isReadonly",
          "only a secondary service can be read-only: set dataWarehouseId to the primary"
              + " service's id as well");
    }
    List<IpAccessEntry> ips =
        b.objects("ipAccessList", 1000).map(ServiceRequests::ipEntries).orElse(List.of());
    Scaling scale = scaling.apply(b, Scaling.defaults(), true);
    String releaseChannel = b.oneOf("releaseChannel", CloudCatalog.RELEASE_CHANNELS).orElse(null);
    boolean mysqlEnabled =
        b.objects("endpoints", 10)
            .map(e -> mysqlChange(e, mysql))
            .orElse(Optional.empty())
            .orElse(false);
    List<Tag> tags =
        b.objects("tags", CloudCatalog.MAX_TAGS).map(ServiceRequests::tags).orElse(List.of());
    Boolean coreDumps = b.bool("enableCoreDumps").orElse(null);
    UUID backupId = uuid(b, "backupId").orElse(null);
    return new ServiceSpec(
        name,
        provider,
        region,
        tier,
        ips,
        scale,
        releaseChannel,
        readonly,
        dataWarehouseId,
        mysqlEnabled,
        tags,
        coreDumps,
        BackupConfiguration.defaults(),
        backupId);
  }

  private static Optional<UUID> uuid(JsonBody b, String field) {
    return b.string(field)
        .map(
            id -> {
              try {
                if (id.length() == 36) {
                  return UUID.fromString(id);
                }
              } catch (IllegalArgumentException e) {
                // reported below
              }
              throw b.bad(
                  field,
                  "must be a UUID, got '"
                      + (id.length() > 60 ? id.substring(0, 60) + "..." : id)
                      + "'");
            });
  }

  static UnaryOperator<ServiceSpec> patch(JsonBody b, MysqlSupport mysql) {
    Optional<String> name = b.text("name", 1, 50);
    Optional<JsonBody> ipPatch = b.object("ipAccessList");
    Optional<List<IpAccessEntry>> ipRemove =
        ipPatch.flatMap(p -> p.objects("remove", 1000)).map(ServiceRequests::ipEntries);
    Optional<List<IpAccessEntry>> ipAdd =
        ipPatch.flatMap(p -> p.objects("add", 1000)).map(ServiceRequests::ipEntries);
    Optional<String> releaseChannel = b.oneOf("releaseChannel", CloudCatalog.RELEASE_CHANNELS);
    Optional<Boolean> mysqlEnabled = b.objects("endpoints", 10).flatMap(e -> mysqlChange(e, mysql));
    Optional<JsonBody> tagPatch = b.object("tags");
    Optional<List<Tag>> tagRemove =
        tagPatch
            .flatMap(p -> p.objects("remove", CloudCatalog.MAX_TAGS))
            .map(ServiceRequests::tags);
    Optional<List<Tag>> tagAdd =
        tagPatch.flatMap(p -> p.objects("add", CloudCatalog.MAX_TAGS)).map(ServiceRequests::tags);
    Optional<Boolean> coreDumps = b.bool("enableCoreDumps");
    b.object("privateEndpointIds")
        .ifPresent(
            p -> {
              if (p.strings("add", 100).map(l -> !l.isEmpty()).orElse(false)) {
                throw b.bad(
                    "privateEndpointIds",
                    "private endpoints are cloud network resources; a self-hosted"
                        + " installation has none to attach");
              }
              // nothing to remove, but a malformed list is refused
              p.strings("remove", 100)
                  .ifPresent(
                      ids ->
                          ids.stream()
                              .filter(id -> id.isEmpty() || id.length() > 1024)
                              .findFirst()
                              .ifPresent(
                                  id -> {
                                    throw b.bad(
                                        "privateEndpointIds",
                                        "remove: ids must be 1 to 1024 characters long, got "
                                            + id.length());
                                  }));
            });
    if (b.has("transparentDataEncryptionKeyId")) {
      throw b.bad(
          "transparentDataEncryptionKeyId",
          "transparent data encryption is not available on a" + " self-hosted installation");
    }
    return spec -> {
      ServiceSpec out = spec;
      if (name.isPresent()) {
        out = out.withName(name.get());
      }
      if (ipRemove.isPresent() || ipAdd.isPresent()) {
        out =
            out.withIpAccessList(
                applyIpPatch(
                    out.ipAccessList(), ipRemove.orElse(List.of()), ipAdd.orElse(List.of())));
      }
      if (releaseChannel.isPresent()) {
        out = out.withReleaseChannel(releaseChannel.get());
      }
      if (mysqlEnabled.isPresent()) {
        out = out.withMysqlEnabled(mysqlEnabled.get());
      }
      if (tagRemove.isPresent() || tagAdd.isPresent()) {
        List<Tag> tags =
            applyTagPatch(out.tags(), tagRemove.orElse(List.of()), tagAdd.orElse(List.of()));
        if (tags.size() > CloudCatalog.MAX_TAGS) {
          throw ApiException.badRequest(
              "tags: a service can have at most " + CloudCatalog.MAX_TAGS + " tags");
        }
        out = out.withTags(tags);
      }
      if (coreDumps.isPresent()) {
        out = out.withEnableCoreDumps(coreDumps.get());
      }
      return out;
    };
  }

  /** remove first, then add; an added source that is present already replaces it in place. */
  static List<IpAccessEntry> applyIpPatch(
      List<IpAccessEntry> current, List<IpAccessEntry> remove, List<IpAccessEntry> add) {
    List<IpAccessEntry> out = new ArrayList<>(current);
    for (IpAccessEntry r : remove) {
      out.removeIf(e -> e.source().equals(r.source()));
    }
    for (IpAccessEntry a : add) {
      int at = indexOfSource(out, a.source());
      if (at >= 0) {
        out.set(at, a);
      } else {
        out.add(a);
      }
    }
    return out;
  }

  private static List<Tag> applyTagPatch(List<Tag> current, List<Tag> remove, List<Tag> add) {
    List<Tag> out = new ArrayList<>(current);
    for (Tag r : remove) {
      out.removeIf(t -> t.key().equals(r.key()));
    }
    for (Tag a : add) {
      out.removeIf(t -> t.key().equals(a.key()));
      out.add(a);
    }
    return out;
  }

  private static int indexOfSource(List<IpAccessEntry> list, String source) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).source().equals(source)) {
        return i;
      }
    }
    return -1;
  }

  private static List<IpAccessEntry> ipEntries(List<JsonBody> items) {
    List<IpAccessEntry> out = new ArrayList<>();
    for (JsonBody item : items) {
      String source = item.string("source").orElseThrow(() -> item.bad("source", "is required"));
      IpSource.validate(item.name("source"), source);
      // absent stays absent: the entry is echoed as it was sent
      String description = item.text("description", 0, 255).orElse(null);
      out.add(new IpAccessEntry(source, description));
    }
    return out;
  }

  private static List<Tag> tags(List<JsonBody> items) {
    List<Tag> out = new ArrayList<>();
    for (JsonBody item : items) {
      String key = item.string("key", 1, 128).orElseThrow(() -> item.bad("key", "is required"));
      if (!key.matches(TAG_PATTERN)) {
        throw item.bad("key", "must match ^[a-zA-Z0-9._-]+$");
      }
      Optional<String> value = item.string("value", 0, 256);
      if (value.isPresent() && !value.get().isEmpty() && !value.get().matches(TAG_PATTERN)) {
        throw item.bad("value", "must match ^[a-zA-Z0-9._-]+$");
      }
      // an empty value is a key-only tag (the document's value pattern needs at least one
      // character)
      out.add(new Tag(key, value.filter(v -> !v.isEmpty()).orElse(null)));
    }
    return out;
  }

  private static Optional<Boolean> mysqlChange(List<JsonBody> items, MysqlSupport mysql) {
    Optional<Boolean> out = Optional.empty();
    for (JsonBody item : items) {
      item.oneOf("protocol", java.util.Set.of("mysql"))
          .orElseThrow(() -> item.bad("protocol", "is required"));
      boolean enabled = item.bool("enabled").orElseThrow(() -> item.bad("enabled", "is required"));
      if (enabled) {
        mysql.requireSupported(item.name("enabled"));
      }
      out = Optional.of(enabled);
    }
    return out;
  }

  private static void refuseCloudOnly(JsonBody b) {
    refuse(
        b,
        "byocId",
        "Bring Your Own Cloud needs a cloud account; chplane runs services on its own machines");
    refuse(
        b,
        "encryptionKey",
        "customer-managed disk encryption keys live in a cloud KMS, which a self-hosted installation does not have");
    refuse(
        b,
        "encryptionAssumedRoleIdentifier",
        "it names a cloud IAM role, which a self-hosted installation does not have");
    refuse(
        b,
        "complianceType",
        "compliance-certified (HIPAA/PCI) infrastructure is a ClickHouse Cloud offering");
    if (b.bool("hasTransparentDataEncryption").orElse(false)) {
      throw b.bad(
          "hasTransparentDataEncryption",
          "transparent data encryption is not available on a self-hosted installation");
    }
    if (b.strings("privateEndpointIds", 100).map(l -> !l.isEmpty()).orElse(false)) {
      throw b.bad(
          "privateEndpointIds",
          "private endpoints are cloud network resources; a self-hosted installation has none to attach");
    }
    b.oneOf(
            "profile",
            java.util.Set.of(
                "v1-default",
                "v1-highmem-xs",
                "v1-highmem-s",
                "v1-highmem-m",
                "v1-highmem-l",
                "v1-highmem-xl"))
        .filter(p -> !p.equals("v1-default"))
        .ifPresent(
            p -> {
              throw b.bad(
                  "profile", "only 'v1-default' is available on a self-hosted installation");
            });
  }

  private static void refuse(JsonBody b, String field, String why) {
    if (b.has(field)) {
      throw b.bad(field, "cannot be used here: " + why);
    }
  }

  private static <T> T required(JsonBody b, String field, Optional<T> value) {
    return value.orElseThrow(() -> b.bad(field, "is required"));
  }

  static UnaryOperator<BackupConfiguration> backupConfiguration(JsonBody body) {
    // null resets a field to its default (the official text; the Terraform provider sends it)
    JsonBody b =
        body.nullable("backupPeriodInHours", "backupRetentionPeriodInHours", "backupStartTime");
    Optional<Integer> period = b.wholeNumber("backupPeriodInHours", 0, 48, 1);
    // a client with a zero-value default (Go) sends 0 for "not set"
    period
        .filter(p -> p != 0 && !CloudCatalog.BACKUP_PERIODS_HOURS.contains(p))
        .ifPresent(
            p -> {
              throw b.bad(
                  "backupPeriodInHours", "must be one of 6, 8, 12, 16, 20, 24, 36, 48, got " + p);
            });
    Optional<Integer> retention = b.wholeNumber("backupRetentionPeriodInHours", 24, 1080, 24);
    Optional<String> start = b.string("backupStartTime");
    start
        .filter(t -> !t.matches("([01]\\d|2[0-3]):[0-5]\\d"))
        .ifPresent(
            t -> {
              throw b.bad(
                  "backupStartTime", "must be HH:MM in UTC (00:00 to 23:59), got '" + t + "'");
            });
    return current ->
        new BackupConfiguration(
            b.isPresent("backupPeriodInHours")
                ? period.filter(p -> p != 0).orElse(null)
                : current.periodHours(),
            b.isPresent("backupRetentionPeriodInHours")
                ? retention.orElse(null)
                : current.retentionHours(),
            b.isPresent("backupStartTime") ? start.orElse(null) : current.startTime());
  }
}
