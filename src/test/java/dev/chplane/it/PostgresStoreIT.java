package dev.chplane.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chplane.store.MetadataStore;
import dev.chplane.store.MetadataStores;
import dev.chplane.store.PostgresCluster;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * chplane on a PostgreSQL metadata store: a service made before a restart is still there and
 * running after.
 */
class PostgresStoreIT {
  @RegisterExtension static final PostgresCluster postgres = new PostgresCluster();

  @Test
  void serviceSurvivesARestartOfChplaneOnTheSameStore() {
    String store = postgres.createDatabase();
    try (TestInstallation chplane = new TestInstallation(store)) {
      JsonNode created =
          chplane.createRunning("on-postgres", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
      String id = created.at("/service/id").asText();
      long pid = ClickHouseProcesses.under(chplane.serviceDir(id)).get(0).pid();
      JsonNode before = chplane.api().get(TestInstallation.service(id)).result();

      chplane.stopChplane();
      chplane.start();

      JsonNode after = chplane.awaitState(id, "running");
      assertThat(after.get("name").asText()).isEqualTo("on-postgres");
      assertThat(after.get("endpoints")).isEqualTo(before.get("endpoints"));
      assertThat(ClickHouseProcesses.under(chplane.serviceDir(id)))
          .as("the running server is adopted")
          .extracting(ProcessHandle::pid)
          .containsExactly(pid);
      assertThat(chplane.dataDir().resolve("meta"))
          .as("no embedded store was opened")
          .doesNotExist();
      try (MetadataStore direct = MetadataStores.open(store, chplane.dataDir())) {
        assertThat(direct.findService(UUID.fromString(id))).isPresent();
      }
    }
  }
}
