package dev.chplane.pipes.kafka;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker for tests (kafka_2.13 from Maven Central, on the test classpath): a
 * single-node KRaft broker run as a child process, on free loopback ports, with one listener per
 * {@link Listener}. SASL users are {@link #PLAIN_USER} (PLAIN), {@link #SCRAM_256_USER}
 * (SCRAM-SHA-256) and {@link #SCRAM_512_USER} (SCRAM-SHA-512); the SSL listener requires a client
 * certificate signed by {@link #tls()}'s CA. Topics are not created automatically.
 */
public final class KafkaBroker implements AutoCloseable {
  public enum Listener {
    PLAINTEXT,
    SASL_PLAINTEXT,
    SSL
  }

  public static final String PLAIN_USER = "alice";
  public static final String PLAIN_PASSWORD = "alice-secret";
  public static final String SCRAM_256_USER = "scram256user";
  public static final String SCRAM_256_PASSWORD = "scram256-secret";
  public static final String SCRAM_512_USER = "scram512user";
  public static final String SCRAM_512_PASSWORD = "scram512-secret";

  private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final Path dir;
  private final Map<Listener, Integer> ports = new EnumMap<>(Listener.class);
  private KafkaTls tls;
  private Process process;
  private Admin admin;
  private KafkaProducer<String, String> producer;
  private final Thread killOnExit = new Thread(this::kill, "kafka-broker-kill");

  public KafkaBroker() {
    try {
      dir = Files.createTempDirectory("chplane-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      start();
    } catch (RuntimeException | Error e) {
      String logTail = ChildJava.tail(dir);
      close();
      throw new IllegalStateException(
          "Kafka broker did not start; its log ends with:\n" + logTail, e);
    }
  }

  public String bootstrap(Listener listener) {
    return "127.0.0.1:" + ports.get(listener);
  }

  public KafkaTls tls() {
    return tls;
  }

  /** An admin client on the PLAINTEXT listener, closed with the broker. */
  public Admin admin() {
    return admin;
  }

  public void createTopic(String name, int partitions) {
    try {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      // a created topic takes writes once every partition has a leader
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(
              () ->
                  admin
                      .describeTopics(List.of(name))
                      .allTopicNames()
                      .get(10, TimeUnit.SECONDS)
                      .get(name)
                      .partitions()
                      .stream()
                      .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Writes the values (without keys) and returns once all are acknowledged by the broker. */
  public void produce(String topic, List<String> values) {
    if (producer == null) {
      producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap(Listener.PLAINTEXT),
                  ProducerConfig.ACKS_CONFIG,
                  "all",
                  ProducerConfig.LINGER_MS_CONFIG,
                  5,
                  ProducerConfig.MAX_BLOCK_MS_CONFIG,
                  15_000),
              new StringSerializer(),
              new StringSerializer());
    }
    List<Future<RecordMetadata>> sent = new ArrayList<>(values.size());
    for (String value : values) {
      sent.add(producer.send(new ProducerRecord<>(topic, value)));
    }
    producer.flush();
    try {
      for (Future<RecordMetadata> f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot produce to " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the broker (SIGTERM, SIGKILL if it has not stopped in 10 s) and deletes its files. */
  @Override
  public void close() {
    Utils.closeQuietly(producer, "producer");
    Utils.closeQuietly(admin, "admin");
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("Kafka broker did not stop in {}; killing it", STOP_TIMEOUT);
          kill();
        }
      } catch (InterruptedException e) {
        kill();
        Thread.currentThread().interrupt();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to run: nothing left to undo
      }
    }
    KafkaBrokerMain.deleteTree(dir);
  }

  private void start() {
    long started = System.nanoTime();
    int controllerPort = freePorts();
    tls = KafkaTls.create(dir);
    Path config =
        write(
            "server.properties",
            KafkaBrokerConfig.serverProperties(dir.resolve("data"), ports, controllerPort, tls));
    Path logback = write("logback.xml", KafkaBrokerConfig.logback(dir.resolve("broker.log")));
    // C1 only and the serial collector: a faster start and fewer threads on a 2-core machine
    List<String> jvm =
        List.of(
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Dlogback.configurationFile=" + logback);
    format(config, jvm);
    process = ChildJava.start(dir, jvm, KafkaBrokerMain.class.getName(), config.toString());
    Runtime.getRuntime().addShutdownHook(killOnExit);
    admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap(Listener.PLAINTEXT),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10_000));
    await()
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    "the broker exited with status " + process.exitValue());
              }
              try {
                return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
              } catch (ExecutionException | TimeoutException notYet) {
                return false;
              }
            });
    log.info(
        "Kafka broker started in {} ms: {}",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        ports);
  }

  // One broker uses four ports; holding all sockets open until all are chosen keeps them distinct.
  private int freePorts() {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i <= Listener.values().length; i++) {
        sockets.add(new ServerSocket(0));
      }
      for (Listener listener : Listener.values()) {
        ports.put(listener, sockets.get(listener.ordinal()).getLocalPort());
      }
      return sockets.get(Listener.values().length).getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      sockets.forEach(s -> Utils.closeQuietly(s, "port probe"));
    }
  }

  // SCRAM credentials go into the bootstrap metadata at format time, so they exist before any
  // client connects.
  private void format(Path config, List<String> jvmOptions) {
    ChildJava.run(
        dir,
        START_TIMEOUT,
        jvmOptions,
        "kafka.tools.StorageTool",
        "format",
        "-t",
        Uuid.randomUuid().toString(),
        "-c",
        config.toString(),
        "--add-scram",
        "SCRAM-SHA-256=[name=" + SCRAM_256_USER + ",password=" + SCRAM_256_PASSWORD + "]",
        "--add-scram",
        "SCRAM-SHA-512=[name=" + SCRAM_512_USER + ",password=" + SCRAM_512_PASSWORD + "]");
  }

  private Path write(String name, String content) {
    try {
      return Files.writeString(dir.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void kill() {
    if (process != null) {
      process.destroyForcibly();
    }
  }
}
