package dev.chplane.pipes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of a pipe's consumer group: polls, maps each message to a row (or an error row),
 * inserts a batch when it reaches its row count, byte size or age, and only then commits the
 * offsets. A crash between insert and commit replays the batch: delivery is at least once.
 */
final class KafkaWorker implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(KafkaWorker.class);
  private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final PipeRunner runner;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final RowMapper mapper;
  private final ObjectMapper json;
  private final Batch batch = new Batch();
  private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
  private volatile boolean stopping;

  KafkaWorker(PipeRunner runner, Properties properties, RowMapper mapper, ObjectMapper json) {
    this.runner = runner;
    this.consumer = new KafkaConsumer<>(properties);
    this.mapper = mapper;
    this.json = json;
  }

  void stop() {
    stopping = true;
    consumer.wakeup();
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(runner.topics(), new Rebalance());
      while (!stopping) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          add(r);
        }
        runner.observeAssignment(!consumer.assignment().isEmpty());
        if (batch.rowCount >= runner.maxRows() || batch.rows.size() >= runner.maxBytes()
            || batch.ageMillis() >= runner.maxWaitMillis()) {
          flush();
        }
      }
      flush();
    } catch (WakeupException e) {
      if (!stopping) {
        runner.fail("the consumer was woken unexpectedly", e);
      } else {
        flushQuietly();
      }
    } catch (AuthenticationException | AuthorizationException e) {
      runner.fail("Kafka refused the pipe's credentials: " + e.getMessage(), e);
    } catch (PipeFailure e) {
      runner.fail(e.getMessage(), e);
    } catch (KafkaException | IllegalStateException e) {
      runner.fail("Kafka consumer failed: " + e.getMessage(), e);
    } finally {
      try {
        consumer.close(Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        log.debug("closing the consumer: {}", e.toString());
      }
    }
  }

  private void add(ConsumerRecord<byte[], byte[]> r) {
    runner.stats().fetched(Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize()));
    List<String> keys = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (Header h : r.headers()) {
      keys.add(h.key());
      values.add(h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
    }
    SourceRecord record = new SourceRecord(r.topic(), r.partition(), r.offset(), r.timestamp(),
        r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), keys, values,
        r.value() == null ? new byte[0] : r.value());
    batch.noteTimestamp(r.timestamp());
    try {
      batch.addRow(mapper.map(record));
    } catch (RowMapper.RowException e) {
      batch.addError(errorRow(record, e.getMessage()));
    }
    pending.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
  }

  private byte[] errorRow(SourceRecord r, String reason) {
    ObjectNode row = json.createObjectNode();
    row.put("timestamp", DATE_TIME.format(LocalDateTime.ofInstant(Instant.now(), ZoneOffset.UTC)));
    row.put("topic", r.topic());
    row.put("partition", r.partition());
    row.put("offset", r.offset());
    row.put("error", reason);
    row.put("raw", new String(r.value(), StandardCharsets.UTF_8));
    try {
      return (json.writeValueAsString(row) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Inserts what the batch holds, then commits its offsets. */
  private void flush() {
    if (batch.isEmpty()) {
      return;
    }
    if (batch.rowCount > 0) {
      runner.insert(runner.insertQuery(mapper.columnNames()), batch.rows.toByteArray());
      runner.stats().sent(batch.rowCount, batch.rows.size());
    }
    if (batch.errorCount > 0) {
      runner.insert(runner.errorInsertQuery(), batch.errors.toByteArray());
      runner.stats().errors(batch.errorCount);
    }
    if (batch.oldestTimestampMillis != Long.MAX_VALUE) {
      runner.stats().latency(System.currentTimeMillis() - batch.oldestTimestampMillis);
    }
    consumer.commitSync(new HashMap<>(pending));
    pending.clear();
    batch.clear();
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      log.warn("pipe {}: last flush before stopping failed; the rows will be read again: {}", runner.id(), e.getMessage());
    }
  }

  /** Flushes before partitions leave this worker; positions new partitions by the offset strategy. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      flushQuietly();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (runner.offsetTimestamp() == null || partitions.isEmpty()) {
        return;
      }
      Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new java.util.HashSet<>(partitions));
      Map<TopicPartition, Long> query = new HashMap<>();
      for (TopicPartition tp : partitions) {
        if (committed.get(tp) == null) {
          query.put(tp, runner.offsetTimestamp().toEpochMilli());
        }
      }
      for (Map.Entry<TopicPartition, OffsetAndTimestamp> e : consumer.offsetsForTimes(query).entrySet()) {
        if (e.getValue() != null) {
          consumer.seek(e.getKey(), e.getValue().offset());
        } else {
          consumer.seekToEnd(List.of(e.getKey()));
        }
      }
    }
  }
}
