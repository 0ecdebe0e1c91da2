package dev.chplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.domain.BackupConfiguration;
import dev.chplane.domain.Credentials;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.Scaling;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServicePorts;
import dev.chplane.domain.ServiceSpec;
import dev.chplane.domain.ServiceState;
import dev.chplane.provision.PartTransfer;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.QueryResponse;
import dev.chplane.provision.QueryUser;
import dev.chplane.provision.ServiceAccess;
import dev.chplane.provision.ServiceConnector;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Each replica's server is read on its own, and its samples name it in {@code hostname}. */
class ServiceMetricsTest {

  /** Replica i answers with a Query gauge of value i; replicas in {@code down} do not answer. */
  private static ServiceConnector replicas(Set<Integer> down) {
    return new ServiceConnector() {
      @Override
      public ServiceAccess access(UUID serviceId) {
        throw new AssertionError("metrics are read per replica");
      }

      @Override
      public ServiceAccess replicaAccess(UUID serviceId, int replica) {
        return new ServiceAccess() {
          @Override
          public String query(String sql) throws ProvisionException {
            return query(sql, Duration.ofSeconds(1));
          }

          @Override
          public String query(String sql, Duration timeout) throws ProvisionException {
            if (down.contains(replica)) {
              throw new ProvisionException("Connection refused");
            }
            return "{\"source\":\"metrics\",\"name\":\"Query\",\"value\":\""
                + replica
                + "\",\"description\":\"Number of executing queries\"}\n";
          }

          @Override
          public QueryResponse stream(QueryUser user, String sql, Map<String, String> settings) {
            throw new UnsupportedOperationException();
          }

          @Override
          public void insert(String insertQuery, Map<String, String> settings, byte[] body) {
            throw new UnsupportedOperationException();
          }
        };
      }

      @Override
      public PartTransfer parts(UUID serviceId) {
        throw new UnsupportedOperationException();
      }
    };
  }

  @Test
  void everyReplicaHasItsOwnSamples() {
    PrometheusText out = new PrometheusText();
    boolean full =
        new ServiceMetrics(replicas(Set.of()), "db.example", Duration.ofSeconds(1))
            .write(service(ServiceState.RUNNING, 3), false, out);

    String text = out.render();
    assertThat(full).isTrue();
    for (int i = 0; i < 3; i++) {
      assertThat(text).contains("hostname=\"orders-" + i + "\"} " + i);
    }
    assertThat(text).contains("hostname=\"db.example\",clickhouse_cluster_status=\"running\"");
    assertThat(text).contains("scrape=\"full\"");
  }

  @Test
  void aReplicaThatDoesNotAnswerMakesTheScrapePartialWithoutHidingTheOthers() {
    PrometheusText out = new PrometheusText();
    boolean full =
        new ServiceMetrics(replicas(Set.of(1)), "db.example", Duration.ofSeconds(1))
            .write(service(ServiceState.DEGRADED, 3), false, out);

    String text = out.render();
    assertThat(full).isFalse();
    assertThat(text).contains("hostname=\"orders-0\"").contains("hostname=\"orders-2\"");
    assertThat(text).doesNotContain("hostname=\"orders-1\"");
    assertThat(text).contains("scrape=\"partial\"");
  }

  private static Service service(ServiceState state, int replicas) {
    ServiceSpec spec =
        new ServiceSpec(
            "orders",
            "aws",
            "eu-west-1",
            "production",
            List.of(),
            new Scaling(null, null, null, replicas, null, null, null, null, null, null),
            "fast",
            false,
            null,
            true,
            List.of(),
            Boolean.FALSE,
            new BackupConfiguration(24, 24, null),
            null);
    return new Service(
        UUID.randomUUID(),
        UUID.randomUUID(),
        Instant.parse("2026-12-02T12:00:00Z"),
        spec,
        state,
        DesiredState.RUNNING,
        null,
        "18.16.1",
        new Credentials("aa".repeat(32), "bb".repeat(20)),
        new ServicePorts(18443, 19440),
        0);
  }
}
