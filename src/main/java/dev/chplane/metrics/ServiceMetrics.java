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
 * One service's samples: each replica's {@code system.metrics} (gauges), {@code system.events}
 * (counters) and {@code system.asynchronous_metrics} (gauges), read in one query per replica as
 * chplane's internal user ({@link ServiceConnector#replicaAccess}), and one {@code
 * ClickHouse_ServiceInfo} sample that says whether that worked. A replica's samples carry a {@code
 * hostname} label naming the replica, {@code <service name>-<index>} (as in ClickHouse Cloud, where
 * it names the replica's server); the service's own samples carry the advertised host. A service
 * that is not up is not queried (and never woken): its scrape is {@code partial}, as it is when a
 * replica does not answer (the others' samples are still there).
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

  /** The labels of the samples of one replica's server. */
  static Map<String, String> replicaLabels(Map<String, String> service, String name, int replica) {
    Map<String, String> labels = new LinkedHashMap<>(service);
    labels.put("hostname", name + "-" + replica);
    return labels;
  }

  /** Writes the service's samples; returns whether every replica answered. */
  boolean write(Service service, boolean filtered, PrometheusText out) {
    Map<String, String> labels = labels(service);
    boolean full = service.state().servesQueries();
    if (full) {
      int replicas = service.spec().scaling().plannedReplicas();
      for (int i = 0; i < replicas; i++) {
        List<Row> rows = read(service, i);
        if (rows == null) {
          full = false;
          continue;
        }
        Map<String, String> replicaLabels = replicaLabels(labels, service.spec().name(), i);
        for (Row row : rows) {
          sample(row, filtered, replicaLabels, out);
        }
      }
    }
    Map<String, String> info = new LinkedHashMap<>(labels);
    info.put("clickhouse_cluster_status", service.state().wire());
    info.put(
        "clickhouse_version",
        service.clickhouseVersion() == null ? "" : service.clickhouseVersion());
    info.put("scrape", full ? "full" : "partial");
    out.add(
        SERVICE_INFO,
        PrometheusText.Type.GAUGE,
        "Information about the service: its state (clickhouse_cluster_status),"
            + " its ClickHouse version, and whether this scrape read the metrics of every replica (full) or not (partial).",
        info,
        "1");
    return full;
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

  /** The metrics of one replica's server, or null when it did not answer. */
  private List<Row> read(Service service, int replica) {
    String body;
    try {
      body = servers.replicaAccess(service.id(), replica).query(QUERY, timeout);
    } catch (ProvisionException e) {
      log.info(
          "service {}: metrics of replica {} not read, the scrape is partial: {}",
          service.id(),
          replica,
          e.getMessage());
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
