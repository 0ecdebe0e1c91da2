package dev.chplane.bench;

import dev.chplane.pipes.kafka.KafkaBroker;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;

/**
 * The Kafka side of {@code bench/kafka-pipe-throughput.sh}: starts the test harness's real broker
 * ({@link KafkaBroker}, a KRaft broker in a child JVM on free loopback ports), creates a topic,
 * produces N JSON messages of about 200 bytes (10 fields of mixed types, no keys) with a producer
 * tuned for throughput, optionally writes the same messages, one a line, to a file (the JSONEachRow
 * body of the baseline insert) and fills a second topic {@code <topic>-warmup} with {@code
 * --warmup-messages} more (for an unmeasured warm-up consumer), then keeps the broker up until the
 * stop file appears, stdin is closed (with {@code --stdin}), or the process that started it exits.
 * Protocol lines on stdout: {@code BOOTSTRAP host:port}, {@code PRODUCED topic: ...} (per topic),
 * {@code PARTITIONS ...} (end offsets of the main topic), {@code READY}.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) dev.chplane.bench.KafkaBenchBroker \
 *   --topic bench --partitions 3 --messages 1000000 --warmup-messages 200000 --rows-file rows.json --stop-file stop
 * </pre>
 */
public final class KafkaBenchBroker {
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final LocalDateTime EPOCH = LocalDateTime.of(2024, 1, 1, 0, 0);

  private KafkaBenchBroker() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = options(args);
    String topic = opt.getOrDefault("topic", "bench");
    int partitions = Integer.parseInt(opt.getOrDefault("partitions", "3"));
    int messages = Integer.parseInt(opt.getOrDefault("messages", "1000000"));
    Path rowsFile = opt.containsKey("rows-file") ? Path.of(opt.get("rows-file")) : null;
    Path stopFile = opt.containsKey("stop-file") ? Path.of(opt.get("stop-file")) : null;
    boolean stdin = opt.containsKey("stdin");
    int warmupMessages = Integer.parseInt(opt.getOrDefault("warmup-messages", "0"));

    KafkaBroker broker = new KafkaBroker();
    Thread closer = new Thread(broker::close, "bench-broker-close");
    Runtime.getRuntime().addShutdownHook(closer);
    try {
      String bootstrap = broker.bootstrap(KafkaBroker.Listener.PLAINTEXT);
      say("BOOTSTRAP " + bootstrap);
      broker.createTopic(topic, partitions);
      produce(bootstrap, topic, messages, rowsFile);
      if (warmupMessages > 0) {
        broker.createTopic(topic + "-warmup", partitions);
        produce(bootstrap, topic + "-warmup", warmupMessages, null);
      }
      say("PARTITIONS " + partitionSizes(broker, topic, partitions));
      say("READY");
      waitForStop(stopFile, stdin);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(closer);
        broker.close();
      } catch (IllegalStateException shuttingDown) {
        // the hook closes the broker
      }
    }
  }

  /** One message: the 10 fields of the reference row of measured-baselines.md, about 200 bytes. */
  public static String message(long i, SplittableRandom r) {
    long cents = r.nextLong(10_000_000);
    StringBuilder s = new StringBuilder(224);
    s.append("{\"id\":")
        .append(i)
        .append(",\"ts\":\"")
        .append(TS.format(EPOCH.plusSeconds(i)))
        .append('"')
        .append(",\"s1\":\"user_")
        .append(r.nextInt(100_000))
        .append('_')
        .append(hex8(r.nextInt()))
        .append('"')
        .append(",\"s2\":\"https://example.com/p/")
        .append(i)
        .append('/')
        .append(hex8(r.nextInt()))
        .append('"')
        .append(",\"s3\":\"")
        .append(hex8(r.nextInt()))
        .append('"')
        .append(",\"f1\":")
        .append(cents / 100)
        .append('.')
        .append(two(cents % 100))
        .append(",\"f2\":0.")
        .append(six(r.nextInt(1_000_000)))
        .append(",\"i1\":")
        .append(r.nextInt(-1_000_000, 1_000_000))
        .append(",\"i2\":")
        .append(r.nextInt(-1000, 1000))
        .append(",\"lc\":\"category_")
        .append(i % 20)
        .append("\"}");
    return s.toString();
  }

  private static void produce(String bootstrap, String topic, int messages, Path rowsFile)
      throws Exception {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "1");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20);
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L << 20);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long bytes = 0;
    long started = System.nanoTime();
    SplittableRandom random = new SplittableRandom(20261126L);
    try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        OutputStream rows =
            rowsFile == null
                ? OutputStream.nullOutputStream()
                : new BufferedOutputStream(Files.newOutputStream(rowsFile), 1 << 20)) {
      for (long i = 0; i < messages && failure.get() == null; i++) {
        byte[] value = message(i, random).getBytes(StandardCharsets.UTF_8);
        bytes += value.length;
        rows.write(value);
        rows.write('\n');
        producer.send(
            new ProducerRecord<>(topic, value),
            (metadata, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              } else {
                acked.incrementAndGet();
              }
            });
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("producing failed", failure.get());
    }
    if (acked.get() != messages) {
      throw new IllegalStateException(
          "only " + acked.get() + " of " + messages + " messages were acknowledged");
    }
    double secs = (System.nanoTime() - started) / 1e9;
    say(
        String.format(
            "PRODUCED %s: %d messages, %d bytes (%.1f bytes each) in %.2f s (%.0f msg/s)",
            topic, messages, bytes, (double) bytes / messages, secs, messages / secs));
  }

  private static String partitionSizes(KafkaBroker broker, String topic, int partitions)
      throws Exception {
    Map<TopicPartition, OffsetSpec> query = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      query.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        broker.admin().listOffsets(query).all().get(30, TimeUnit.SECONDS);
    List<String> out = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      out.add(p + "=" + ends.get(new TopicPartition(topic, p)).offset());
    }
    return String.join(" ", out);
  }

  private static void waitForStop(Path stopFile, boolean stdin) throws InterruptedException {
    ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
    if (stdin) {
      Thread reader =
          new Thread(
              () -> {
                try {
                  while (System.in.read() >= 0) {
                    // wait for end of input
                  }
                } catch (IOException e) {
                  // closed
                }
              },
              "stdin-watch");
      reader.setDaemon(true);
      reader.start();
      awaitStop(() -> !reader.isAlive() || stopRequested(stopFile, parent));
      return;
    }
    awaitStop(() -> stopRequested(stopFile, parent));
  }

  private static void awaitStop(Callable<Boolean> stop) {
    Awaitility.await().forever().pollInterval(Duration.ofMillis(200)).until(stop);
  }

  private static boolean stopRequested(Path stopFile, ProcessHandle parent) {
    return (stopFile != null && Files.exists(stopFile)) || (parent != null && !parent.isAlive());
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + args[i]);
      }
      String name = args[i].substring(2);
      if (name.equals("stdin")) {
        out.put(name, "true");
      } else if (i + 1 < args.length) {
        out.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value");
      }
    }
    return out;
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static String hex8(int v) {
    String h = Integer.toHexString(v).toUpperCase();
    return "00000000".substring(h.length()) + h;
  }

  private static String two(long v) {
    return v < 10 ? "0" + v : Long.toString(v);
  }

  private static String six(int v) {
    String s = Integer.toString(v);
    return "000000".substring(s.length()) + s;
  }
}
