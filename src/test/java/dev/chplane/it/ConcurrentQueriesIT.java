package dev.chplane.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that fills its service with queries does not take chplane's share: while 70 long queries
 * of the service's {@code default} user are asked for at once, chplane's own queries (the service's
 * Prometheus scrape) still get answers.
 */
class ConcurrentQueriesIT {
  private static final int CLIENT_QUERIES = 70;
  @RegisterExtension static final TestInstallation chplane = new TestInstallation();

  @Test
  void chplaneKeepsAnswersWhileAClientAsksForMoreQueriesThanTheServerRuns() throws Exception {
    JsonNode created =
        chplane.createRunning("busy", "[{\"source\":\"127.0.0.1\",\"description\":\"\"}]");
    String id = created.at("/service/id").asText();
    int port = 0;
    for (JsonNode e : created.at("/service/endpoints")) {
      if (e.get("protocol").asText().equals("https")) {
        port = e.get("port").asInt();
      }
    }
    int httpsPort = port;
    String password = created.get("password").asText();
    AtomicInteger refused = new AtomicInteger();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENT_QUERIES);
    try {
      List<CompletableFuture<ClickHouseClients.Answer>> answers = new ArrayList<>();
      for (int i = 0; i < CLIENT_QUERIES; i++) {
        // about 18 s each: sleep(3) per block of one row, longer than the 5 s a query waits for a
        // free slot
        answers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    ClickHouseClients.Answer a =
                        ClickHouseClients.https(
                            chplane.caCertificate(),
                            httpsPort,
                            password,
                            "SELECT sleep(3) FROM system.numbers LIMIT 6 SETTINGS max_block_size = 1");
                    if (a.body().contains("Code: 202")) {
                      refused.incrementAndGet();
                    }
                    return a;
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                clients));
      }
      // once the server refuses some of the client's queries, the rest run for seconds
      await().atMost(Duration.ofSeconds(30)).until(() -> refused.get() > 0);
      assertThat(answers.stream().filter(CompletableFuture::isDone).count())
          .as("the client's other queries still run")
          .isLessThan(CLIENT_QUERIES);

      ApiClient.TextResponse scraped =
          chplane.api().getText(TestInstallation.service(id) + "/prometheus");
      assertThat(scraped.status()).isEqualTo(200);
      assertThat(scraped.body())
          .as("chplane's own queries are answered")
          .contains("scrape=\"full\"");
      assertThat(answers.stream().filter(CompletableFuture::isDone).count())
          .as("scraped while the client's queries ran")
          .isLessThan(CLIENT_QUERIES);
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
          .get(60, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      clients.shutdownNow();
    }
  }
}
