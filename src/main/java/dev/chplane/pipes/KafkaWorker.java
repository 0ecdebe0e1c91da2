package dev.chplane.pipes;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
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
 * hands a batch to its {@link BatchInserter} when it reaches its row count, byte size or age, and
 * commits the batch's offsets only once the inserter says its rows are in. A crash between insert
 * and commit replays the batch: delivery is at least once.
 */
final class KafkaWorker implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(KafkaWorker.class);

  private final PipeRunner runner;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final RowMapper mapper;
  private final ObjectMapper json;
  private final Batch batch = new Batch();
  private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
  private final BatchInserter<Map<TopicPartition, OffsetAndMetadata>> inserter;
  private volatile boolean stopping;
  /**
   * The last batch went because it was full, so the topics held more than a batch: once the
   * consumer has caught up, the rest of that backlog goes at once instead of waiting out
   * streaming_max_insert_wait_ms. A trickle never fills a batch, so it still waits.
   */
  private boolean drainingBacklog;

  KafkaWorker(PipeRunner runner, String name, Properties properties, RowMapper mapper, ObjectMapper json) {
    this.runner = runner;
    this.consumer = new KafkaConsumer<>(properties);
    this.mapper = mapper;
    this.json = json;
    this.inserter = new BatchInserter<>(name + "-insert",
        sealed -> runner.deliver(sealed, mapper.columnNames()));
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
        ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout());
        for (TopicPartition tp : records.partitions()) {
          List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
          list.forEach(this::add);
          pending.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
        }
        runner.observeAssignment(!consumer.assignment().isEmpty());
        commit(inserter.completed());
        boolean full = batch.rowCount >= runner.maxRows() || batch.rows.size() >= runner.maxBytes();
        if (full || batch.ageMillis() >= runner.maxWaitMillis() || drainingBacklog && !batch.isEmpty() && caughtUp()) {
          drainingBacklog = full;
          handOver();
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
      inserter.close();
      try {
        consumer.close(Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        log.debug("closing the consumer: {}", e.toString());
      }
    }
  }

  /** Whether every assigned partition has been read up to its end, as of the last fetch. */
  private boolean caughtUp() {
    Set<TopicPartition> assigned = consumer.assignment();
    for (TopicPartition tp : assigned) {
      OptionalLong lag = consumer.currentLag(tp);
      if (lag.isEmpty() || lag.getAsLong() > 0) {
        return false;
      }
    }
    return !assigned.isEmpty();
  }

  /** Polls no longer than the batch may still wait, so that it is inserted on time. */
  private Duration pollTimeout() {
    // while an insert is in flight, come back soon to commit its offsets: a crash in between replays it
    long limit = inserter.busy() ? 10 : 200;
    return Duration.ofMillis(batch.isEmpty() ? limit : Math.max(1, Math.min(limit, runner.maxWaitMillis() - batch.ageMillis())));
  }

  private void add(ConsumerRecord<byte[], byte[]> r) {
    runner.stats().fetched(Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize()));
    batch.noteTimestamp(r.timestamp());
    if (r.value() != null && mapper.isVerbatim(r.value())) {
      batch.addVerbatimRow(r.value());
      return;
    }
    List<String> keys = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (Header h : r.headers()) {
      keys.add(h.key());
      values.add(h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
    }
    SourceRecord record = new SourceRecord(r.topic(), r.partition(), r.offset(), r.timestamp(),
        r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), keys, values,
        r.value() == null ? new byte[0] : r.value());
    try {
      batch.addRow(mapper.map(record));
    } catch (RowMapper.RowException e) {
      batch.addError(ErrorRows.line(json, record, e.getMessage()));
    }
  }

  /** Hands the batch to the inserter with the offsets it ends at; commits those of the batch before. */
  private void handOver() {
    if (batch.isEmpty()) {
      return;
    }
    commit(inserter.send(batch.seal(), new HashMap<>(pending)));
    pending.clear();
  }

  /** Inserts what the batch holds, waits for every insert of this worker, and commits. */
  private void flush() {
    handOver();
    commit(inserter.drain());
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (offsets == null) {
      return;
    }
    try {
      consumer.commitSync(offsets);
    } catch (WakeupException e) {
      // a stop's wakeup fires once, in whatever consumer call comes next: the rows are in, commit them
      consumer.commitSync(offsets);
    }
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
