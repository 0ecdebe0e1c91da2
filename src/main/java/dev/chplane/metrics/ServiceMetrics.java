package dev.chplane.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.domain.Service;
import dev.chplane.json.JsonMappers;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.ServiceConnector;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service's samples: its server's {@code system.metrics} (gauges), {@code system.events}
 * (counters) and {@code system.asynchronous_metrics} (gauges), read in one query as chplane's
 * internal user, and one {@code ClickHouse_ServiceInfo} sample that says whether that worked. A
 * service that is not running is not queried (and never woken): its scrape is {@code partial}.
 */
final class ServiceMetrics {
  private static final Logger log = LoggerFactory.getLogger(ServiceMetrics.class);
  static final String SERVICE_INFO = "ClickHouse_ServiceInfo";
  private static final String QUERY =
      "SELECT 'metrics' AS source, metric AS name, toString(value) AS value, description FROM system.metrics"
          + " UNION ALL SELECT 'events' AS source, event AS name, toString(value) AS value, description FROM system.events"
          + " UNION ALL SELECT 'async' AS source, metric AS name, toString(value) AS value, '' AS description"
          + " FROM system.asynchronous_metrics FORMAT JSONEachRow";

  /** One row of the query. */
  private record Row(String source, String name, String value, String description) {}

  private final ServiceConnector servers;
  private final String hostname;
  private final Duration timeout;
  private final ObjectMapper json = JsonMappers.strict();

  ServiceMetrics(ServiceConnector servers, String hostname, Duration timeout) {
    this.servers = servers;
    this.hostname = hostname;
    this.timeout = timeout;
  }

  /** The labels every sample of the service carries. */
  Map<String, String> labels(Service service) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("clickhouse_org", service.organizationId().toString());
    labels.put("clickhouse_service", service.id().toString());
    labels.put("clickhouse_service_name", service.spec().name());
    labels.put("hostname", hostname);
    return labels;
  }

  /** Writes the service's samples; returns whether its server answered. */
  boolean write(Service service, boolean filtered, PrometheusText out) {
    Map<String, String> labels = labels(service);
    List<Row> rows = service.state().servesQueries() ? read(service) : null;
    if (rows != null) {
      for (Row row : rows) {
        sample(row, filtered, labels, out);
      }
    }
    Map<String, String> info = new LinkedHashMap<>(labels);
    info.put("clickhouse_cluster_status", service.state().wire());
    info.put(
        "clickhouse_version",
        service.clickhouseVersion() == null ? "" : service.clickhouseVersion());
    info.put("scrape", rows == null ? "partial" : "full");
    out.add(
        SERVICE_INFO,
        PrometheusText.Type.GAUGE,
        "Information about the service: its state (clickhouse_cluster_status),"
            + " its ClickHouse version, and whether this scrape read its server's metrics (full) or not (partial).",
        info,
        "1");
    return rows != null;
  }

  private static void sample(
      Row row, boolean filtered, Map<String, String> labels, PrometheusText out) {
    String family;
    PrometheusText.Type type;
    String help = row.description();
    switch (row.source()) {
      case "metrics" -> {
        family = "ClickHouseMetrics_";
        type = PrometheusText.Type.GAUGE;
      }
      case "events" -> {
        family = "ClickHouseProfileEvents_";
        type = PrometheusText.Type.COUNTER;
      }
      default -> {
        family = "ClickHouseAsyncMetrics_";
        type = PrometheusText.Type.GAUGE;
        help = "ClickHouse asynchronous metric " + row.name() + " (system.asynchronous_metrics).";
      }
    }
    String name = PrometheusText.sanitize(family + row.name());
    String value = PrometheusText.value(row.value());
    if (value != null && MetricFilter.keep(name, filtered)) {
      out.add(name, type, help.isBlank() ? row.name() : help, labels, value);
    }
  }

  /** The server's metrics, or null when it did not answer. */
  private List<Row> read(Service service) {
    String body;
    try {
      body = servers.access(service.id()).query(QUERY, timeout);
    } catch (ProvisionException e) {
      log.info(
          "service {}: metrics not read, the scrape is partial: {}", service.id(), e.getMessage());
      return null;
    }
    List<Row> rows = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode row = json.readTree(line);
        rows.add(
            new Row(
                row.path("source").asText(),
                row.path("name").asText(),
                row.path("value").asText(),
                row.path("description").asText()));
      } catch (IOException e) {
        log.warn(
            "service {}: unreadable metrics row, the scrape is partial: {}", service.id(), line);
        return null;
      }
    }
    return rows;
  }
}
