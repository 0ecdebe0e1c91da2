package dev.chplane.pipes.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chplane.domain.ClickPipe;
import dev.chplane.it.ApiClient;
import dev.chplane.it.ChplaneProcess;
import dev.chplane.it.ClickHouseClients;
import dev.chplane.it.TestInstallation;
import dev.chplane.security.CredentialKeyRingFile;
import dev.chplane.store.EmbeddedStore;
import dev.chplane.store.MetadataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rotating the pipe-credentials key of a real installation: a pipe on a SASL broker keeps consuming
 * after chplane is stopped, the key rotated and chplane started again.
 */
class CredentialsKeyRotationIT {
  private KafkaAndChplane installation;
  private int https;
  private String password;

  @BeforeEach
  void start() {
    installation = new KafkaAndChplane("chplane-key-rotation-");
  }

  @AfterEach
  void stop() {
    installation.close();
  }

  private long count() throws Exception {
    ClickHouseClients.Answer a =
        ClickHouseClients.https(
            installation.dataDir.resolve("tls/ca.pem"),
            https,
            password,
            "SELECT count() FROM default.secure");
    return a.ok() ? Long.parseLong(a.body().strip()) : -1;
  }

  private static List<String> messages(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(i -> "{\"id\":" + i + "}")
        .collect(Collectors.toList());
  }

  private String storedCredentials() {
    try (MetadataStore store = EmbeddedStore.open(installation.dataDir.resolve("meta"))) {
      return store.listAllPipes().stream()
          .map(ClickPipe::encryptedCredentials)
          .findFirst()
          .orElseThrow();
    }
  }

  @Test
  void aSaslPipeConsumesWithItsCredentialsAfterTheKeyIsRotated() throws Exception {
    KafkaBroker kafka = installation.kafka;
    ChplaneProcess chplane = installation.chplane;
    kafka.createTopic("secure", 1);
    kafka.produce("secure", messages(0, 10));
    ApiClient.Response created =
        chplane
            .api()
            .post(
                TestInstallation.services(),
                "{\"name\":\"rotation\",\"provider\":\"aws\","
                    + "\"region\":\"us-east-1\",\"ipAccessList\":[{\"source\":\"127.0.0.1\",\"description\":\"\"}]}");
    String service = created.result().at("/service/id").asText();
    password = created.result().get("password").asText();
    https = created.result().at("/service/endpoints/1/port").asInt();
    chplane.awaitState(service, "running");
    String pipes = TestInstallation.service(service) + "/clickpipes";
    ApiClient.Response pipe =
        chplane
            .api()
            .post(
                pipes,
                "{\"name\":\"sasl\",\"source\":{\"kafka\":{\"type\":\"kafka\","
                    + "\"brokers\":\""
                    + kafka.bootstrap(KafkaBroker.Listener.SASL_PLAINTEXT)
                    + "\",\"topics\":\"secure\","
                    + "\"authentication\":\"SCRAM-SHA-512\",\"credentials\":{\"username\":\""
                    + KafkaBroker.SCRAM_512_USER
                    + "\",\"password\":\""
                    + KafkaBroker.SCRAM_512_PASSWORD
                    + "\"}}},"
                    + "\"destination\":{\"table\":\"secure\",\"managedTable\":true,\"tableDefinition\":{\"engine\":{\"type\":\"MergeTree\"},"
                    + "\"sortingKey\":[\"id\"]},\"columns\":[{\"name\":\"id\",\"type\":\"UInt64\"}]},"
                    + "\"settings\":{\"streaming_max_insert_wait_ms\":500}}");
    assertThat(pipe.status()).as(pipe.body().toString()).isEqualTo(200);
    String pipeUrl = pipes + "/" + pipe.result().get("id").asText();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> count() == 10);

    ChplaneProcess.Finished refused = chplane.run("rotate-credentials-key");
    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(2);
    assertThat(refused.output()).contains("chplane is running on");

    chplane.kill9();
    Path ring = installation.dataDir.resolve("secrets").resolve(CredentialKeyRingFile.NAME);
    String oldRing = Files.readString(ring);
    String oldKeyLine = oldRing.lines().filter(l -> l.startsWith("k1 ")).findFirst().orElseThrow();
    String before = storedCredentials();
    assertThat(before).startsWith("k1:");

    ChplaneProcess.Finished rotated = chplane.run("rotate-credentials-key");
    assertThat(rotated.exitCode()).as(rotated.output()).isZero();
    assertThat(rotated.output())
        .contains("re-encrypted the credentials of 1 of 1 pipes with key k2")
        .contains("removed key(s) v1, k1")
        .doesNotContain(KafkaBroker.SCRAM_512_PASSWORD)
        .doesNotContain(oldKeyLine.substring(3));
    String newRing = Files.readString(ring);
    assertThat(newRing)
        .doesNotContain(oldKeyLine)
        .doesNotContain("v1 derived")
        .containsPattern("\nk2 [0-9a-f]{64}\n");
    String after = storedCredentials();
    assertThat(after).startsWith("k2:").isNotEqualTo(before);

    chplane.start();
    kafka.produce("secure", messages(10, 20));
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> count() == 20);
    assertThat(chplane.api().get(pipeUrl).result().get("state").asText()).isEqualTo("Running");
    assertThat(chplane.api().get(pipeUrl).body().toString())
        .doesNotContain(KafkaBroker.SCRAM_512_PASSWORD);
  }
}
