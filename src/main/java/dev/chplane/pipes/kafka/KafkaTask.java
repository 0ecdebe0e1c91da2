package dev.chplane.pipes.kafka;

import dev.chplane.domain.KafkaSource;
import dev.chplane.pipes.PipeFailure;
import dev.chplane.pipes.RecordSink;
import dev.chplane.pipes.SourceRecord;
import dev.chplane.pipes.SourceTask;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
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
 * One consumer of a pipe's consumer group. Its positions are the offsets a batch ends at per
 * partition, committed to the group (synchronously) once the batch is in: delivery is at least
 * once.
 */
final class KafkaTask implements SourceTask<Map<TopicPartition, OffsetAndMetadata>> {
  private static final Logger log = LoggerFactory.getLogger(KafkaTask.class);

  private final KafkaSource source;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
  private final Instant offsetTimestamp;
  private volatile boolean stopping;
  private Control control;

  KafkaTask(KafkaSource source, Properties properties) {
    this.source = source;
    this.consumer = new KafkaConsumer<>(properties);
    this.offsetTimestamp = offsetTimestamp(source);
  }

  static Instant offsetTimestamp(KafkaSource k) {
    if (!"from_timestamp".equals(k.offsetStrategy()) || k.offsetTimestamp() == null) {
      return null;
    }
    return LocalDateTime.parse(k.offsetTimestamp().replace(' ', 'T').replaceAll("Z$", ""))
        .toInstant(ZoneOffset.UTC);
  }

  @Override
  public void open(Control control) {
    this.control = control;
    kafka(
        () -> {
          consumer.subscribe(source.topicList(), new Rebalance());
          return null;
        });
  }

  @Override
  public void poll(Duration timeout, RecordSink sink) {
    ConsumerRecords<byte[], byte[]> records = kafka(() -> consumer.poll(timeout));
    if (records == null) {
      return;
    }
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      for (ConsumerRecord<byte[], byte[]> r : list) {
        add(r, sink);
      }
      pending.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
    }
  }

  private static void add(ConsumerRecord<byte[], byte[]> r, RecordSink sink) {
    sink.fetched(
        Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize()), r.timestamp());
    if (r.value() != null && sink.addVerbatim(r.value())) {
      return;
    }
    List<String> keys = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (Header h : r.headers()) {
      keys.add(h.key());
      values.add(h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
    }
    sink.add(
        new SourceRecord(
            r.topic(),
            r.partition(),
            r.offset(),
            r.timestamp(),
            r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
            keys,
            values,
            r.value() == null ? new byte[0] : r.value()));
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> take() {
    if (pending.isEmpty()) {
      return null;
    }
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>(pending);
    pending.clear();
    return out;
  }

  @Override
  public void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    kafka(
        () -> {
          try {
            consumer.commitSync(offsets);
          } catch (WakeupException e) {
            // a stop's wakeup fires once, in whatever consumer call comes next: the rows are in,
            // commit them
            consumer.commitSync(offsets);
          }
          return null;
        });
  }

  @Override
  public boolean active() {
    return !consumer.assignment().isEmpty();
  }

  @Override
  public String inactiveReason(Duration window) {
    return "no partition of "
        + source.topics()
        + " was assigned within "
        + window.toSeconds()
        + " s: the brokers are unreachable or the topics do not exist";
  }

  /**
   * The records behind the end of every assigned partition, as of the last fetch; empty when one is
   * unknown.
   */
  @Override
  public OptionalLong lag() {
    Set<TopicPartition> assigned = consumer.assignment();
    long total = 0;
    for (TopicPartition tp : assigned) {
      OptionalLong lag = consumer.currentLag(tp);
      if (lag.isEmpty()) {
        return OptionalLong.empty();
      }
      total += lag.getAsLong();
    }
    return assigned.isEmpty() ? OptionalLong.empty() : OptionalLong.of(total);
  }

  @Override
  public void wakeup() {
    stopping = true;
    consumer.wakeup();
  }

  @Override
  public void close() {
    try {
      consumer.close(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      log.debug("closing the consumer: {}", e.toString());
    }
  }

  /**
   * Runs a consumer call; turns what Kafka throws into a {@link PipeFailure} with the reason the
   * pipe shows. A stop's wakeup returns null.
   */
  private <T> T kafka(Supplier<T> call) {
    try {
      return call.get();
    } catch (WakeupException e) {
      if (stopping) {
        return null;
      }
      throw new PipeFailure("the consumer was woken unexpectedly", e);
    } catch (AuthenticationException | AuthorizationException e) {
      throw new PipeFailure("Kafka refused the pipe's credentials: " + e.getMessage(), e);
    } catch (KafkaException | IllegalStateException e) {
      throw new PipeFailure("Kafka consumer failed: " + e.getMessage(), e);
    }
  }

  /**
   * Flushes before partitions leave this consumer; positions new partitions by the offset strategy.
   */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      control.flush();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (offsetTimestamp == null || partitions.isEmpty()) {
        return;
      }
      Map<TopicPartition, OffsetAndMetadata> committed =
          consumer.committed(new HashSet<>(partitions));
      Map<TopicPartition, Long> query = new HashMap<>();
      for (TopicPartition tp : partitions) {
        if (committed.get(tp) == null) {
          query.put(tp, offsetTimestamp.toEpochMilli());
        }
      }
      for (Map.Entry<TopicPartition, OffsetAndTimestamp> e :
          consumer.offsetsForTimes(query).entrySet()) {
        if (e.getValue() != null) {
          consumer.seek(e.getKey(), e.getValue().offset());
        } else {
          consumer.seekToEnd(List.of(e.getKey()));
        }
      }
    }
  }
}
