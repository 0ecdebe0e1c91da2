package dev.chplane.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.KafkaSource;
import dev.chplane.domain.PipeSpec;
import dev.chplane.domain.PipeState;
import dev.chplane.provision.ProvisionException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The shared engine with a fake source and a fake server: batching, delivery, commit order,
 * failure.
 */
class SourceWorkerTest {
  private final ObjectMapper json = new ObjectMapper();
  private final FakeServer server = new FakeServer();

  @Test
  void positionsAreCommittedOnlyAfterTheirBatchWasInsertedAndInOrder() {
    FakeTask task = new FakeTask();
    PipeRunner runner = start(task);
    task.offer(List.of("{\"id\":1}", "{\"id\":2}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> task.committed.contains(2L));
    task.offer(List.of("{\"id\":3}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> task.committed.contains(3L));
    runner.stop();
    assertThat(task.committed).isSorted();
    // every commit came after an insert holding the rows up to it
    for (Event commit : task.events.stream().filter(e -> e.kind.equals("commit")).toList()) {
      assertThat(server.rowsBefore(commit.at)).isGreaterThanOrEqualTo(commit.position);
    }
    assertThat(server.inserted()).containsExactly("{\"id\":1}", "{\"id\":2}", "{\"id\":3}");
  }

  @Test
  void aDestinationThatRefusesRowsFailsThePipeWithoutCommittingTheirPositions() {
    server.refuse.set(true);
    FakeTask task = new FakeTask();
    PipeRunner runner = new PipeRunner(pipe(), server, Duration.ofMillis(300), new PipeStats());
    runner.start(List.of(task), json);
    task.offer(List.of("{\"id\":1}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> runner.failure() != null);
    runner.stop();
    assertThat(runner.failure()).startsWith("the destination table did not accept rows");
    assertThat(task.committed).isEmpty();
  }

  @Test
  void rowsASourceMakesForTablesOfItsOwnGoToThoseTables() {
    FakeTask task = new FakeTask();
    task.otherTable = new TargetTable("db", "changes", List.of("k"));
    PipeRunner runner = start(task);
    task.offer(List.of("{\"id\":1}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> task.committed.contains(1L));
    runner.stop();
    assertThat(server.queries).anyMatch(q -> q.startsWith("INSERT INTO `db`.`changes` (`k`)"));
    assertThat(server.queries).anyMatch(q -> q.startsWith("INSERT INTO `db`.`t` (`id`)"));
  }

  @Test
  void aRecordThatCannotBeMappedGoesToTheErrorTableAndItsPositionIsCommitted() {
    FakeTask task = new FakeTask();
    PipeRunner runner = start(task);
    task.offer(List.of("{\"id\":\"not a number\"}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> task.committed.contains(1L));
    runner.stop();
    assertThat(server.queries).anyMatch(q -> q.startsWith("INSERT INTO `db`.`t_clickpipes_error`"));
    assertThat(runner.stats().snapshot().errors()).isEqualTo(1);
  }

  private PipeRunner start(FakeTask task) {
    PipeRunner runner = new PipeRunner(pipe(), server, Duration.ofSeconds(10), new PipeStats());
    runner.start(List.of(task), json);
    return runner;
  }

  private static ClickPipe pipe() {
    PipeSpec spec =
        new PipeSpec(
            "p",
            new KafkaSource(
                "kafka", "JSONEachRow", "127.0.0.1:9", "t", null, null, null, null, null),
            new PipeSpec.Destination(
                "db", "t", false, null, List.of(new PipeSpec.Column("id", "UInt64"))),
            List.of(),
            new PipeSpec.PipeScaling(1, 125, 0.5),
            Map.of("streaming_max_insert_wait_ms", 50));
    return new ClickPipe(
        UUID.randomUUID(),
        UUID.randomUUID(),
        UUID.randomUUID(),
        spec,
        null,
        PipeState.RUNNING,
        DesiredState.RUNNING,
        null,
        Instant.now(),
        Instant.now(),
        0);
  }

  private record Event(String kind, long position, long at) {}

  /** A source of JSON lines whose position is the number of lines read. */
  private static final class FakeTask implements SourceTask<Long> {
    final ConcurrentLinkedQueue<List<String>> arriving = new ConcurrentLinkedQueue<>();
    final List<Long> committed = new CopyOnWriteArrayList<>();
    final List<Event> events = new CopyOnWriteArrayList<>();
    volatile TargetTable otherTable;
    private long read;
    private Long untaken;

    void offer(List<String> lines) {
      arriving.add(lines);
    }

    @Override
    public void open(Control control) {}

    @Override
    public void poll(Duration timeout, RecordSink sink) {
      List<String> lines = arriving.poll();
      if (lines == null) {
        try {
          Thread.sleep(Math.min(5, timeout.toMillis()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      for (String line : lines) {
        byte[] value = line.getBytes(StandardCharsets.UTF_8);
        sink.fetched(value.length, -1);
        sink.add(new SourceRecord("fake", 0, read, -1, null, List.of(), List.of(), value));
        if (otherTable != null) {
          sink.addRow(otherTable, "{\"k\":1}\n".getBytes(StandardCharsets.UTF_8));
        }
        read++;
      }
      untaken = read;
    }

    @Override
    public Long take() {
      Long out = untaken;
      untaken = null;
      return out;
    }

    @Override
    public void commit(Long position) {
      events.add(new Event("commit", position, System.nanoTime()));
      committed.add(position);
    }

    @Override
    public boolean active() {
      return true;
    }

    @Override
    public String inactiveReason(Duration window) {
      return "inactive";
    }

    @Override
    public OptionalLong lag() {
      return OptionalLong.of(arriving.isEmpty() ? 0 : 1);
    }

    @Override
    public void wakeup() {}

    @Override
    public void close() {}
  }

  /** Records inserts; refuses them while {@link #refuse} is set. */
  private static final class FakeServer implements PipeServer {
    final List<String> queries = new CopyOnWriteArrayList<>();
    final AtomicBoolean refuse = new AtomicBoolean();
    private final List<long[]> destinationRows = Collections.synchronizedList(new ArrayList<>());
    private final List<String> rows = new CopyOnWriteArrayList<>();

    @Override
    public String query(String sql) {
      queries.add(sql);
      return "";
    }

    @Override
    public void insert(String insertQuery, Map<String, String> settings, byte[] body)
        throws ProvisionException {
      if (refuse.get()) {
        throw new ProvisionException("refused");
      }
      queries.add(insertQuery);
      if (insertQuery.startsWith("INSERT INTO `db`.`t` ")) {
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
          rows.add(line);
        }
        destinationRows.add(new long[] {System.nanoTime(), rows.size()});
      }
    }

    List<String> inserted() {
      return rows;
    }

    /** The rows in the destination table at {@code nanos}. */
    long rowsBefore(long nanos) {
      synchronized (destinationRows) {
        return destinationRows.stream()
            .filter(r -> r[0] <= nanos)
            .mapToLong(r -> r[1])
            .max()
            .orElse(0);
      }
    }
  }
}
