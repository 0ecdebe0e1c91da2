package dev.chplane.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chplane.domain.BackupConfiguration;
import dev.chplane.domain.Credentials;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.DomainException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ScaleUpCheckTest {
  private final List<String> asked = new ArrayList<>();

  /** A server with a Log table of 5 rows, a MergeTree table and a view. */
  private final ServiceAccess server =
      new ServiceAccess() {
        @Override
        public String query(String sql) throws ProvisionException {
          asked.add(sql);
          if (sql.contains("FROM system.parts")) {
            return "{\"database\":\"db\",\"table\":\"m\",\"rows\":\"10\"}\n";
          }
          if (sql.contains("FROM system.tables")) {
            return "{\"database\":\"db\",\"name\":\"events\",\"engine\":\"Log\"}\n"
                + "{\"database\":\"db\",\"name\":\"m\",\"engine\":\"MergeTree\"}\n"
                + "{\"database\":\"db\",\"name\":\"v\",\"engine\":\"View\"}\n";
          }
          if (sql.equals("SELECT count() FROM `db`.`events`")) {
            return "5\n";
          }
          throw new ProvisionException("unexpected " + sql);
        }

        @Override
        public String query(String sql, Duration timeout) throws ProvisionException {
          return query(sql);
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

  private final ServiceConnector servers =
      new ServiceConnector() {
        @Override
        public ServiceAccess access(UUID serviceId) {
          return server;
        }

        @Override
        public ServiceAccess replicaAccess(UUID serviceId, int replica) {
          return server;
        }

        @Override
        public PartTransfer parts(UUID serviceId) {
          throw new UnsupportedOperationException();
        }
      };

  private static Scaling replicas(Integer num) {
    return new Scaling(null, null, null, num, null, null, null, null, null, null);
  }

  private static Service service(Scaling scaling, ServiceState state) {
    ServiceSpec spec =
        new ServiceSpec(
            "svc",
            "aws",
            "us-east-1",
            null,
            List.of(),
            scaling,
            null,
            false,
            null,
            false,
            List.of(),
            null,
            BackupConfiguration.defaults());
    return new Service(
        UUID.randomUUID(),
        UUID.randomUUID(),
        Instant.parse("2026-01-01T00:00:00Z"),
        spec,
        state,
        DesiredState.RUNNING,
        null,
        null,
        new Credentials("aa".repeat(32), "bb".repeat(20)),
        new ServicePorts(18443, 19440),
        1);
  }

  @Test
  void aScaleUpIsRefusedNamingTheLogTableWithRows() {
    assertThatThrownBy(
            () ->
                new ScaleUpCheck(servers)
                    .check(service(replicas(null), ServiceState.RUNNING), replicas(3)))
        .isInstanceOf(DomainException.InvalidInput.class)
        .hasMessageStartingWith("numReplicas: ")
        .hasMessageContaining("db.events (Log): holds 5 rows")
        .hasMessageNotContaining("db.m")
        .hasMessageNotContaining("db.v");
  }

  @Test
  void horizontalMaximumNamesItsField() {
    assertThatThrownBy(
            () ->
                new ScaleUpCheck(servers)
                    .check(
                        service(replicas(1), ServiceState.RUNNING),
                        new Scaling("horizontal", null, null, null, 1, 4, null, null, null, null)))
        .hasMessageStartingWith("maxReplicas: ");
  }

  @Test
  void nothingIsAskedWhenTheCountDoesNotGrowOrTheServerIsDown() {
    ScaleUpCheck check = new ScaleUpCheck(servers);
    assertThatCode(() -> check.check(service(replicas(1), ServiceState.RUNNING), replicas(1)))
        .doesNotThrowAnyException();
    assertThatCode(() -> check.check(service(replicas(3), ServiceState.RUNNING), replicas(3)))
        .doesNotThrowAnyException();
    assertThatCode(() -> check.check(service(replicas(1), ServiceState.IDLE), replicas(3)))
        .doesNotThrowAnyException();
    assertThatCode(() -> check.check(service(replicas(1), ServiceState.STOPPED), replicas(3)))
        .doesNotThrowAnyException();
    assertThat(asked).isEmpty();
    assertThatCode(
            () ->
                ScaleUpCheck.none().check(service(replicas(1), ServiceState.RUNNING), replicas(3)))
        .doesNotThrowAnyException();
  }
}
