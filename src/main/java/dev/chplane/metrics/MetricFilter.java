package dev.chplane.metrics;

import java.util.Set;

/**
 * The short list {@code filtered_metrics=true} returns: the most useful ClickHouse metrics, plus
 * (always) {@code ClickHouse_ServiceInfo} and the ClickPipes families. README "Prometheus" lists
 * them.
 */
final class MetricFilter {
  static final Set<String> FILTERED =
      Set.of(
          "ClickHouseMetrics_Query",
          "ClickHouseMetrics_TCPConnection",
          "ClickHouseMetrics_HTTPConnection",
          "ClickHouseMetrics_MemoryTracking",
          "ClickHouseProfileEvents_Query",
          "ClickHouseProfileEvents_SelectQuery",
          "ClickHouseProfileEvents_InsertQuery",
          "ClickHouseProfileEvents_FailedQuery",
          "ClickHouseProfileEvents_InsertedRows",
          "ClickHouseProfileEvents_InsertedBytes",
          "ClickHouseAsyncMetrics_Uptime");

  private MetricFilter() {}

  /** Whether a ClickHouse metric family is written: always unfiltered, else only the short list. */
  static boolean keep(String family, boolean filtered) {
    return !filtered || FILTERED.contains(family);
  }
}
