package dev.chplane.store;

import dev.chplane.domain.BackupConfiguration;
import dev.chplane.domain.IpAccessEntry;
import dev.chplane.domain.PipeSpec;
import dev.chplane.domain.Scaling;
import dev.chplane.domain.ServiceSpec;
import dev.chplane.domain.Tag;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Fully populated values of everything chplane stores as JSON: every field set, none left at its
 * default.
 */
final class GoldenValues {
  private GoldenValues() {}

  /** Every IP entry shape: with a description, with an empty one, without one. */
  static List<IpAccessEntry> ipAccessList() {
    return List.of(
        new IpAccessEntry("10.0.0.0/8", "office"),
        new IpAccessEntry("192.168.1.7", ""),
        new IpAccessEntry("2001:db8::/32", null));
  }

  static ServiceSpec serviceSpec() {
    return new ServiceSpec(
        "golden-service",
        "aws",
        "eu-west-1",
        "production",
        ipAccessList(),
        new Scaling("horizontal", 16, 32, 3, 2, 4, 48, 96, false, 30),
        "fast",
        true,
        "dwh-0001",
        true,
        List.of(new Tag("team", "storage"), new Tag("key-only", null)),
        true,
        new BackupConfiguration(12, 720, "03:30"),
        UUID.fromString("6a3f764d-4398-4636-ac9d-214e8259a617"));
  }

  static PipeSpec pipeSpec() {
    return new PipeSpec(
        "golden-pipe",
        new dev.chplane.domain.KafkaSource(
            "confluent",
            "JSONEachRow",
            "broker-1:9092,broker-2:9092",
            "orders, refunds",
            "golden-group",
            "SCRAM-SHA-512",
            "from_timestamp",
            "2026-12-02 09:30:00",
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
        new PipeSpec.Destination(
            "shop",
            "orders",
            true,
            new PipeSpec.TableDefinition(
                "ReplacingMergeTree",
                "version",
                List.of("id", "version"),
                List.of("id"),
                "toYYYYMM(at)",
                "id"),
            List.of(
                new PipeSpec.Column("id", "UInt64"),
                new PipeSpec.Column("version", "UInt32"),
                new PipeSpec.Column("at", "DateTime"),
                new PipeSpec.Column("message", "String"))),
        List.of(
            new PipeSpec.FieldMapping("text", "message"), new PipeSpec.FieldMapping("ts", "at")),
        new PipeSpec.PipeScaling(2, 500, 1.5),
        Map.of(
            "clickhouse_parallel_view_processing",
            true,
            "clickhouse_min_insert_block_size_bytes",
            10737418240L,
            "streaming_max_insert_wait_ms",
            1500));
  }
}
