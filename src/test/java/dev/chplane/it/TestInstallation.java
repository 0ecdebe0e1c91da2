package dev.chplane.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chplane.ChplaneServer;
import dev.chplane.config.ServerConfig;
import dev.chplane.provision.QueryLimits;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real chplane in this JVM, on a fresh data directory, with a key known in advance. {@link
 * #close()} stops chplane, kills every ClickHouse server it left and deletes the directory. As a
 * {@code @RegisterExtension static} field it serves one test class and is closed after it.
 */
public final class TestInstallation implements AutoCloseable, AfterAllCallback {
  public static final String ORG = "6f4c1c52-0000-4000-8000-000000000001";
  public static final String KEY_ID = "6f4c1c52-0000-4000-8000-0000000000aa";
  public static final String KEY_SECRET = "test-secret-0123456789abcdef";

  /**
   * How long a minute of idleTimeoutMinutes lasts for installations made on this thread (tests of
   * idling shorten it).
   */
  public static final ThreadLocal<Duration> IDLE_MINUTE =
      ThreadLocal.withInitial(() -> Duration.ofSeconds(60));

  /** The Query API limits of installations made on this thread (tests of the limits lower them). */
  public static final ThreadLocal<QueryLimits> QUERY_LIMITS =
      ThreadLocal.withInitial(() -> QueryLimits.DEFAULTS);

  /**
   * {@code --min-free-disk-mb} in bytes for installations made on this thread (small: test machines
   * may have little room).
   */
  public static final ThreadLocal<Long> MIN_FREE_DISK_BYTES =
      ThreadLocal.withInitial(() -> 16L * 1024 * 1024);

  /**
   * How often installations made on this thread pass over every service unasked (tests of prompt
   * reactions lengthen it).
   */
  public static final ThreadLocal<Duration> RECONCILE_INTERVAL =
      ThreadLocal.withInitial(() -> Duration.ofMillis(500));

  private final Path dataDir;
  private final String store;
  private final String backupStorage;
  private final Duration backupHour;
  private ChplaneServer server;

  /** On the embedded store. */
  public TestInstallation() {
    this(null);
  }

  /** On {@code store} ({@code --store}); null = embedded. */
  public TestInstallation(String store) {
    this(store, null, Duration.ofHours(1));
  }

  /**
   * @param backupStorage {@code --backup-storage} (null = under the data directory)
   * @param backupHour how long an hour of the backup schedule lasts
   */
  public TestInstallation(String store, String backupStorage, Duration backupHour) {
    this(tempDirectory(), store, backupStorage, backupHour);
  }

  /**
   * On the embedded store in {@code dataDir} (e.g. on a small file system the test mounted); it is
   * deleted by {@link #close()}.
   */
  public TestInstallation(Path dataDir, String store, String backupStorage, Duration backupHour) {
    this.dataDir = dataDir;
    this.store = store;
    this.backupStorage = backupStorage;
    this.backupHour = backupHour;
    start();
  }

  private static Path tempDirectory() {
    try {
      return Files.createTempDirectory("chplane-it-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ServerConfig config(Path dataDir, String store, int apiPort) {
    return config(dataDir, store, apiPort, null, Duration.ofHours(1));
  }

  public static ServerConfig config(
      Path dataDir, String store, int apiPort, String backupStorage, Duration backupHour) {
    return new ServerConfig(
        dataDir,
        store,
        "127.0.0.1",
        apiPort,
        "localhost",
        null,
        RECONCILE_INTERVAL.get(),
        Duration.ofSeconds(60),
        ORG,
        KEY_ID,
        KEY_SECRET,
        backupStorage,
        backupHour,
        Duration.ofSeconds(20),
        IDLE_MINUTE.get(),
        QUERY_LIMITS.get(),
        MIN_FREE_DISK_BYTES.get(),
        false,
        false);
  }

  public void start() {
    server =
        ChplaneServer.start(
            config(dataDir, store, 0, backupStorage, backupHour),
            new PrintStream(PrintStream.nullOutputStream()));
  }

  /** Stops chplane the way a shutdown does; its ClickHouse servers keep running. */
  public void stopChplane() {
    server.close();
  }

  public Path dataDir() {
    return dataDir;
  }

  public int apiPort() {
    return server.apiPort();
  }

  public Path caCertificate() {
    return dataDir.resolve("tls/ca.pem");
  }

  public ApiClient api() {
    return new ApiClient(server.apiPort(), KEY_ID, KEY_SECRET);
  }

  public ApiClient apiWith(String keyId, String keySecret) {
    return new ApiClient(server.apiPort(), keyId, keySecret);
  }

  public ApiClient anonymous() {
    return new ApiClient(server.apiPort(), null, null);
  }

  public static String services() {
    return "/v1/organizations/" + ORG + "/services";
  }

  public static String service(String id) {
    return services() + "/" + id;
  }

  /** Creates a service and returns the create result ({service, password}). */
  public JsonNode create(String body) {
    ApiClient.Response r = api().post(services(), body);
    if (r.status() != 200) {
      throw new AssertionError("create failed: " + r.body());
    }
    return r.result();
  }

  public JsonNode createRunning(String name, String ipAccessList) {
    JsonNode created =
        create(
            "{\"name\":\""
                + name
                + "\",\"provider\":\"aws\",\"region\":\"us-east-1\","
                + "\"ipAccessList\":"
                + ipAccessList
                + "}");
    awaitState(created.at("/service/id").asText(), "running");
    return created;
  }

  public JsonNode awaitState(String serviceId, String state) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              last[0] = api().get(service(serviceId)).result();
              return last[0] != null && state.equals(last[0].path("state").asText());
            });
    return last[0];
  }

  /**
   * The port a service's server itself listens on (behind the edge), as its generated config names
   * it.
   */
  public static int internalHttpsPort(Path serviceDir) {
    try {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("<https_port>(\\d+)</https_port>")
              .matcher(Files.readString(serviceDir.resolve("config.xml")));
      if (!m.find()) {
        throw new AssertionError("no https_port in " + serviceDir.resolve("config.xml"));
      }
      return Integer.parseInt(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path serviceDir(String serviceId) {
    return dataDir.resolve("services").resolve(UUID.fromString(serviceId).toString());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (RuntimeException e) {
      // already closed by the test
    }
    ClickHouseProcesses.killAll(dataDir);
    deleteTree(dataDir);
  }

  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
