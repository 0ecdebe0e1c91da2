package dev.chplane.pipes;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.bench.KafkaBenchBroker;
import dev.chplane.domain.PipeSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * For bench/row-check.sh: the cost per message of the Kafka bench's 200-byte messages through the
 * verbatim check and through the full mapping (decode, convert, write JSON again), on one thread
 * after a warm-up. Prints {@code name: ns/message} lines; not a test.
 */
public final class RowCheckBench {
  private RowCheckBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    List<PipeSpec.Column> columns =
        List.of(
            new PipeSpec.Column("id", "UInt64"),
            new PipeSpec.Column("ts", "DateTime"),
            new PipeSpec.Column("s1", "String"),
            new PipeSpec.Column("s2", "String"),
            new PipeSpec.Column("s3", "String"),
            new PipeSpec.Column("f1", "Float64"),
            new PipeSpec.Column("f2", "Float64"),
            new PipeSpec.Column("i1", "Int32"),
            new PipeSpec.Column("i2", "Int32"),
            new PipeSpec.Column("lc", "LowCardinality(String)"));
    RowMapper mapper =
        new RowMapper(
            new ObjectMapper()
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS),
            columns,
            List.of());
    SplittableRandom random = new SplittableRandom(20261126);
    byte[][] messages = new byte[n][];
    for (int i = 0; i < n; i++) {
      messages[i] = KafkaBenchBroker.message(i, random).getBytes(StandardCharsets.UTF_8);
    }
    long verbatim = Long.MAX_VALUE;
    long mapped = Long.MAX_VALUE;
    long sink = 0;
    for (int round = 0; round < 7; round++) {
      long t0 = System.nanoTime();
      for (byte[] m : messages) {
        sink += mapper.isVerbatim(m) ? 1 : 0;
      }
      long t1 = System.nanoTime();
      for (byte[] m : messages) {
        sink +=
            mapper.map(new SourceRecord("bench", 0, 0, 0, null, List.of(), List.of(), m)).length;
      }
      long t2 = System.nanoTime();
      verbatim = Math.min(verbatim, t1 - t0);
      mapped = Math.min(mapped, t2 - t1);
    }
    if (sink == 0) {
      throw new IllegalStateException("nothing was checked");
    }
    System.out.printf(
        "verbatim_check: %.0f ns/message (%.2fx full mapping; best of 7 rounds of %d messages)%n",
        (double) verbatim / n, (double) verbatim / mapped, n);
    System.out.printf("full_mapping: %.0f ns/message (1.00x)%n", (double) mapped / n);
  }
}
