package dev.chplane.metrics;

import dev.chplane.domain.Service;
import dev.chplane.domain.ServiceState;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.ReplicatedTables;
import dev.chplane.provision.ServiceConnector;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code chplane_nonreplicated_tables} gauge: how many plain (not Replicated) MergeTree-family
 * tables with rows a service with several replicas has. They exist on one replica only, so a
 * load-balanced connection may not see them; each is also logged once (per table and chplane run).
 * A one-replica service counts 0 without being asked; a service that is not up has no sample.
 */
final class NonReplicatedTables {
  private static final Logger log = LoggerFactory.getLogger(NonReplicatedTables.class);
  static final String NAME = "chplane_nonreplicated_tables";
  private static final Set<ServiceState> UP =
      Set.of(ServiceState.RUNNING, ServiceState.PARTIALLY_RUNNING, ServiceState.DEGRADED);

  private final ServiceConnector servers;
  private final ReplicatedTables tables = new ReplicatedTables();
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  NonReplicatedTables(ServiceConnector servers) {
    this.servers = servers;
  }

  void write(Service service, boolean filtered, Map<String, String> labels, PrometheusText out) {
    if (filtered || !UP.contains(service.state())) {
      return;
    }
    long count = 0;
    if (service.spec().scaling().plannedReplicas() > 1) {
      List<ReplicatedTables.Table> found;
      try {
        found = tables.nonReplicatedWithRows(servers.access(service.id()));
      } catch (ProvisionException e) {
        return;
      }
      for (ReplicatedTables.Table t : found) {
        if (logged.add(service.id() + "/" + t.displayName())) {
          log.warn(
              "service {} ({}): table {} ({}, {} rows) is not replicated: it exists on one of the"
                  + " service's replicas only, and connections to the others do not see it;"
                  + " recreate it with a Replicated engine ON CLUSTER default",
              service.id(),
              service.spec().name(),
              t.displayName(),
              t.engine(),
              t.rows());
        }
      }
      count = found.size();
    }
    out.add(
        NAME,
        PrometheusText.Type.GAUGE,
        "Plain (not Replicated) MergeTree-family tables with rows on a service with several"
            + " replicas: each lives on one replica only",
        labels,
        Long.toString(count));
  }
}
