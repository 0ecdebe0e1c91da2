package dev.chplane.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplicatedEnginesTest {
  private static final String PATH_M = "'/clickhouse/tables/{shard}/default/m', '{replica}'";

  @Test
  void plainMergeTreeOf1816() {
    assertThat(
            ReplicatedEngines.toReplicated(
                "CREATE TABLE default.m ( d Date,  id UInt64,  s String) ENGINE = MergeTree"
                    + " PARTITION BY toYYYYMM(d) ORDER BY id SETTINGS index_granularity = 8192"))
        .contains(
            "CREATE TABLE default.m ( d Date,  id UInt64,  s String) ENGINE ="
                + " ReplicatedMergeTree("
                + PATH_M
                + ") PARTITION BY toYYYYMM(d) ORDER BY id SETTINGS index_granularity = 8192");
  }

  @Test
  void oldSyntaxKeepsItsArgumentsAfterPathAndReplica() {
    assertThat(
            ReplicatedEngines.toReplicated(
                "CREATE TABLE default.m ( d Date,  id UInt64) ENGINE = MergeTree(d, id, 8192)"))
        .contains(
            "CREATE TABLE default.m ( d Date,  id UInt64) ENGINE = ReplicatedMergeTree("
                + PATH_M
                + ", d, id, 8192)");
    assertThat(
            ReplicatedEngines.toReplicated(
                "CREATE TABLE default.m (d Date, id UInt64, v UInt8)"
                    + " ENGINE = ReplacingMergeTree(d, (id, d), 8192, v)"))
        .contains(
            "CREATE TABLE default.m (d Date, id UInt64, v UInt8) ENGINE ="
                + " ReplicatedReplacingMergeTree("
                + PATH_M
                + ", d, (id, d), 8192, v)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ReplacingMergeTree(v)|ReplicatedReplacingMergeTree(" + PATH_M + ", v)",
        "ReplacingMergeTree|ReplicatedReplacingMergeTree(" + PATH_M + ")",
        "ReplacingMergeTree()|ReplicatedReplacingMergeTree(" + PATH_M + ")",
        "SummingMergeTree((a, b))|ReplicatedSummingMergeTree(" + PATH_M + ", (a, b))",
        "AggregatingMergeTree|ReplicatedAggregatingMergeTree(" + PATH_M + ")",
        "CollapsingMergeTree(sign)|ReplicatedCollapsingMergeTree(" + PATH_M + ", sign)",
        "VersionedCollapsingMergeTree(sign, ver)|ReplicatedVersionedCollapsingMergeTree("
            + PATH_M
            + ", sign, ver)",
        "GraphiteMergeTree('graphite_rollup')|ReplicatedGraphiteMergeTree("
            + PATH_M
            + ", 'graphite_rollup')",
      })
  void everyFamilyMember(String engine, String replicated) {
    assertThat(
            ReplicatedEngines.toReplicated(
                "CREATE TABLE default.m (`id` UInt64, `v` UInt32, `sign` Int8) ENGINE = "
                    + engine
                    + " ORDER BY id SETTINGS index_granularity = 8192"))
        .contains(
            "CREATE TABLE default.m (`id` UInt64, `v` UInt32, `sign` Int8) ENGINE = "
                + replicated
                + " ORDER BY id SETTINGS index_granularity = 8192");
  }

  @Test
  void modernShowCreateTableShape() {
    String modern =
        """
        CREATE TABLE default.events
        (
            `id` UInt64,
            `note` String DEFAULT 'ENGINE = Log',
            `ts` DateTime64(3) CODEC(Delta(8), ZSTD(1))
        )
        ENGINE = ReplacingMergeTree(ts)
        PARTITION BY toYYYYMM(ts)
        ORDER BY (id, ts)
        TTL toDateTime(ts) + toIntervalDay(30)
        SETTINGS index_granularity = 8192
        COMMENT 'MergeTree ENGINE = x'""";
    assertThat(ReplicatedEngines.toReplicated(modern))
        .contains(
            modern.replace(
                "ENGINE = ReplacingMergeTree(ts)",
                "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/default/events',"
                    + " '{replica}', ts)"));
  }

  @Test
  void alreadyReplicatedAndOtherEnginesAreLeftAlone() {
    String replicated =
        "CREATE TABLE default.x ( id UInt64) ENGINE ="
            + " ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')"
            + " ORDER BY id SETTINGS index_granularity = 8192";
    assertThat(ReplicatedEngines.toReplicated(replicated)).isEmpty();
    assertThat(ReplicatedEngines.replicatedIfPlain(replicated)).isEqualTo(replicated);
    assertThat(ReplicatedEngines.toReplicated("CREATE TABLE default.lg ( id UInt64) ENGINE = Log"))
        .isEmpty();
    assertThat(ReplicatedEngines.toReplicated("CREATE TABLE default.n (id UInt64) ENGINE = Null"))
        .isEmpty();
    assertThat(
            ReplicatedEngines.toReplicated(
                "CREATE TABLE default.d (id UInt64) ENGINE = Distributed(default, default, m)"))
        .isEmpty();
  }

  @Test
  void viewsAreNotRewritten() {
    assertThat(
            ReplicatedEngines.toReplicated(
                "CREATE MATERIALIZED VIEW default.mv ( id UInt64) ENGINE = SummingMergeTree ORDER BY"
                    + " id SETTINGS index_granularity = 8192 AS SELECT id FROM default.m "))
        .isEmpty();
    assertThat(ReplicatedEngines.toReplicated("CREATE VIEW default.v AS SELECT 1")).isEmpty();
    assertThat(
            ReplicatedEngines.engineName(
                "CREATE MATERIALIZED VIEW default.mv ( id UInt64) ENGINE = SummingMergeTree ORDER BY"
                    + " id AS SELECT id FROM default.m"))
        .contains("SummingMergeTree");
    assertThat(
            ReplicatedEngines.engineName(
                "CREATE MATERIALIZED VIEW default.mv TO default.t AS SELECT id FROM"
                    + " default.m ENGINE = x"))
        .isEmpty();
  }

  @Test
  void quotedNamesAndInnerTables() {
    assertThat(
            ReplicatedEngines.toReplicated(
                "CREATE TABLE default.`.inner.mv` ( id UInt64) ENGINE = SummingMergeTree ORDER BY id"))
        .contains(
            "CREATE TABLE default.`.inner.mv` ( id UInt64) ENGINE = ReplicatedSummingMergeTree("
                + "'/clickhouse/tables/{shard}/default/.inner.mv', '{replica}') ORDER BY id");
    assertThat(ReplicatedEngines.tableName("CREATE TABLE `my db`.`it\\`s` (x UInt8) ENGINE = Log"))
        .contains(new ReplicatedEngines.TableName("my db", "it`s"));
    assertThat(
            ReplicatedEngines.tableName(
                "CREATE TABLE IF NOT EXISTS \"db\".\"t\" (x UInt8) ENGINE = MergeTree ORDER BY x"))
        .contains(new ReplicatedEngines.TableName("db", "t"));
    assertThat(
            ReplicatedEngines.toReplicated("CREATE TABLE db.engine (x UInt8) ENGINE = MergeTree"))
        .contains(
            "CREATE TABLE db.engine (x UInt8) ENGINE = ReplicatedMergeTree("
                + "'/clickhouse/tables/{shard}/db/engine', '{replica}')");
  }

  @Test
  void quotesInThePathAreEscaped() {
    assertThat(
            ReplicatedEngines.toReplicated(
                "CREATE TABLE `d'b`.t (x UInt8) ENGINE = MergeTree ORDER BY x"))
        .contains(
            "CREATE TABLE `d'b`.t (x UInt8) ENGINE = ReplicatedMergeTree("
                + "'/clickhouse/tables/{shard}/d\\'b/t', '{replica}') ORDER BY x");
  }

  @Test
  void renamedCopyWithALiteralPathForTheFinalName() {
    String q =
        "CREATE TABLE default.m ( d Date,  id UInt64) ENGINE = MergeTree PARTITION BY"
            + " toYYYYMM(d) ORDER BY id SETTINGS index_granularity = 8192";
    String copy = ReplicatedEngines.renamed(q, "default", "m__tmp");
    assertThat(
            ReplicatedEngines.toReplicated(copy, ReplicatedEngines.zooKeeperPath("default", "m")))
        .contains(
            "CREATE TABLE `default`.`m__tmp` ( d Date,  id UInt64) ENGINE = ReplicatedMergeTree("
                + PATH_M
                + ") PARTITION BY toYYYYMM(d) ORDER BY id SETTINGS index_granularity = 8192");
    assertThat(
            ReplicatedEngines.renamed(
                "CREATE TABLE db.t UUID '1234-5678' (x UInt8) ENGINE = MergeTree ORDER BY x",
                "db",
                "u"))
        .isEqualTo("CREATE TABLE `db`.`u` (x UInt8) ENGINE = MergeTree ORDER BY x");
    assertThatThrownBy(() -> ReplicatedEngines.renamed("CREATE VIEW v AS SELECT 1", "d", "t"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void engineNamePredicates() {
    assertThat(ReplicatedEngines.isPlainMergeTree("SummingMergeTree")).isTrue();
    assertThat(ReplicatedEngines.isPlainMergeTree("ReplicatedSummingMergeTree")).isFalse();
    assertThat(ReplicatedEngines.isReplicatedMergeTree("ReplicatedSummingMergeTree")).isTrue();
    assertThat(ReplicatedEngines.isReplicatedMergeTree("MergeTree")).isFalse();
    assertThat(ReplicatedEngines.isReplicatedMergeTree("Log")).isFalse();
  }

  @Test
  void onClusterAfterTheName() {
    assertThat(
            ReplicatedEngines.onCluster(
                "CREATE TABLE IF NOT EXISTS `db`.`t` (x UInt8) ENGINE = Log", "default"))
        .isEqualTo(
            "CREATE TABLE IF NOT EXISTS `db`.`t` ON CLUSTER `default` (x UInt8) ENGINE = Log");
  }
}
