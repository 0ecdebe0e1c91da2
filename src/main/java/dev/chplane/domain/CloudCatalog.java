package dev.chplane.domain;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The enumerations of the official API document that requests are checked against. */
public final class CloudCatalog {
  private CloudCatalog() {}

  public static final Map<String, List<String>> REGIONS_BY_PROVIDER =
      Map.of(
          "aws",
              List.of(
                  "ap-northeast-1",
                  "ap-northeast-2",
                  "ap-south-1",
                  "ap-southeast-1",
                  "ap-southeast-2",
                  "ca-central-1",
                  "eu-central-1",
                  "eu-west-1",
                  "eu-west-2",
                  "il-central-1",
                  "us-east-1",
                  "us-east-2",
                  "us-west-2"),
          "gcp",
              List.of(
                  "us-east1",
                  "us-central1",
                  "europe-west2",
                  "europe-west4",
                  "asia-southeast1",
                  "asia-northeast1"),
          "azure", List.of("eastus", "eastus2", "westus3", "germanywestcentral", "centralus"));

  public static final Set<String> PROVIDERS = REGIONS_BY_PROVIDER.keySet();

  public static final Set<String> REGIONS =
      Set.copyOf(REGIONS_BY_PROVIDER.values().stream().flatMap(List::stream).toList());

  public static final Set<String> TIERS =
      Set.of(
          "development",
          "production",
          "dedicated_high_mem",
          "dedicated_high_cpu",
          "dedicated_standard",
          "dedicated_standard_n2d_standard_4",
          "dedicated_standard_n2d_standard_8",
          "dedicated_standard_n2d_standard_32",
          "dedicated_standard_n2d_standard_128",
          "dedicated_standard_n2d_standard_32_16SSD",
          "dedicated_standard_n2d_standard_64_24SSD");

  public static final Set<String> RELEASE_CHANNELS = Set.of("slow", "default", "fast");

  public static final Set<String> AUTOSCALING_MODES = Set.of("vertical", "horizontal");

  public static final Set<String> STATE_COMMANDS = Set.of("start", "stop", "awake");

  /** Backup periods ClickHouse Cloud offers, in hours. */
  public static final Set<Integer> BACKUP_PERIODS_HOURS = Set.of(6, 8, 12, 16, 20, 24, 36, 48);

  public static final int MAX_TAGS = 50;
}
