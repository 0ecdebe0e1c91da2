package dev.chplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chplane.domain.BackupConfiguration;
import dev.chplane.domain.IpAccessEntry;
import dev.chplane.domain.PipeSpec;
import dev.chplane.domain.Scaling;
import dev.chplane.domain.ServiceSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What is stored as JSON text reads back as sent, absent values included, and older texts still
 * read.
 */
class SpecCodecTest {
  private final SpecCodec codec = new SpecCodec();

  private static ServiceSpec spec(List<IpAccessEntry> ips) {
    return new ServiceSpec(
        "svc",
        "aws",
        "us-east-1",
        null,
        ips,
        Scaling.defaults(),
        null,
        false,
        null,
        false,
        List.of(),
        null,
        BackupConfiguration.defaults());
  }

  @Test
  void anAbsentDescriptionStaysAbsentAndAnEmptyOneStaysEmpty() {
    List<IpAccessEntry> ips =
        List.of(
            new IpAccessEntry("127.0.0.1", null),
            new IpAccessEntry("10.0.0.0/8", ""),
            new IpAccessEntry("::1", "v6"));
    assertThat(codec.read(codec.write(spec(ips))).ipAccessList()).containsExactlyElementsOf(ips);
    assertThat(codec.readIpList(codec.writeIpList(ips))).containsExactlyElementsOf(ips);
  }

  @Test
  void ipListsStoredByOlderVersionsStillRead() {
    // before absent descriptions were kept, every entry was stored with one ("" when none was sent)
    assertThat(
            codec.readIpList(
                "[{\"source\":\"0.0.0.0/0\",\"description\":\"Anywhere\"},"
                    + "{\"source\":\"127.0.0.1\",\"description\":\"\"}]"))
        .containsExactly(
            new IpAccessEntry("0.0.0.0/0", "Anywhere"), new IpAccessEntry("127.0.0.1", ""));
    String stored =
        codec
            .write(spec(List.of(new IpAccessEntry("127.0.0.1", "x"))))
            .replace(
                "{\"source\":\"127.0.0.1\",\"description\":\"x\"}",
                "{\"source\":\"127.0.0.1\",\"description\":\"\"}");
    assertThat(codec.read(stored).ipAccessList())
        .containsExactly(new IpAccessEntry("127.0.0.1", ""));
  }

  @Test
  void aKafkaSourceWithoutOffsetRoundTripsWithoutOne() {
    PipeSpec pipe =
        new PipeSpec(
            "p",
            new dev.chplane.domain.KafkaSource(
                "kafka", "JSONEachRow", "127.0.0.1:9", "t", null, null, null, null, null),
            new PipeSpec.Destination("default", "t", false, null, List.of()),
            List.of(),
            new PipeSpec.PipeScaling(1, 125, 0.5),
            Map.of());
    assertThat(codec.readPipe(codec.writePipe(pipe))).isEqualTo(pipe);
    assertThat(codec.readPipe(codec.writePipe(pipe)).source())
        .extracting(s -> ((dev.chplane.domain.KafkaSource) s).offsetStrategy())
        .isNull();
  }

  @Test
  void aFieldThisVersionDoesNotKnowIsRefusedWithItsPath() {
    String stored =
        codec
            .write(spec(List.of(new IpAccessEntry("127.0.0.1", "x"))))
            .replace("\"idleScaling\":null", "\"idleScaling\":null,\"idleCpu\":2");
    assertThatThrownBy(() -> codec.read(stored))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'scaling.idleCpu'")
        .hasMessageContaining("newer chplane");
    assertThatThrownBy(
            () -> codec.readIpList("[{\"source\":\"::1\"},{\"source\":\"::1\",\"zone\":\"a\"}]"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'[1].zone'");
    assertThatThrownBy(
            () ->
                codec.readPipe(
                    codec.writePipe(pipe()).replace("\"kafka\":{", "\"kafka\":{\"acks\":1,")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'kafka.acks'");
  }

  @Test
  void aRequiredFieldThatIsAbsentOrNullIsRefusedByName() {
    String stored = codec.write(spec(List.of(new IpAccessEntry("127.0.0.1", "x"))));
    assertThatThrownBy(() -> codec.read(stored.replace("\"mysqlEnabled\":false,", "")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'serviceSpec.mysqlEnabled'");
    assertThatThrownBy(
            () -> codec.read(stored.replace("\"scaling\":{", "\"scaling\":null,\"x\":{")))
        .isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> codec.read(stored.replace("\"source\":\"127.0.0.1\",", "")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'serviceSpec.ipAccessList[0].source'");
    assertThatThrownBy(() -> codec.readPipe(codec.writePipe(pipe()).replace("\"replicas\":1,", "")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'pipeSpec.scaling.replicas'");
    assertThatThrownBy(
            () ->
                codec.readPipe(
                    codec
                        .writePipe(pipe())
                        .replace("\"brokers\":\"127.0.0.1:9\"", "\"brokers\":null")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'pipeSpec.kafka.brokers'");
    assertThatThrownBy(() -> codec.readIpList("null")).isInstanceOf(StoreException.class);
  }

  @Test
  void anOptionalFieldThatIsAbsentReadsAsNotSet() {
    // restoreFrom did not exist before backups; a description could be absent from an entry sent
    // without one
    String stored =
        codec
            .write(spec(List.of(new IpAccessEntry("127.0.0.1", null))))
            .replace(",\"restoreFrom\":null", "")
            .replace(",\"description\":null", "")
            .replace("\"tier\":null,", "");
    assertThat(stored)
        .doesNotContain("restoreFrom")
        .doesNotContain("description")
        .doesNotContain("tier");
    assertThat(codec.read(stored)).isEqualTo(spec(List.of(new IpAccessEntry("127.0.0.1", null))));
  }

  @Test
  void theLoadScalersChoiceAndItsTimeRoundTripAndAreAbsentUntilMade() {
    ServiceSpec plain = spec(List.of(new IpAccessEntry("127.0.0.1", "x")));
    assertThat(codec.write(plain)).doesNotContain("currentReplicas").doesNotContain("autoscaledAt");
    ServiceSpec scaled =
        plain.withScaling(
            plain.scaling().withAutoscaled(2, java.time.Instant.parse("2026-12-02T18:00:00.123Z")));
    String stored = codec.write(scaled);
    assertThat(stored).contains("\"autoscaledAt\":\"2026-12-02T18:00:00.123Z\"");
    assertThat(codec.read(stored)).isEqualTo(scaled);
  }

  private static PipeSpec pipe() {
    return new PipeSpec(
        "p",
        new dev.chplane.domain.KafkaSource(
            "kafka", "JSONEachRow", "127.0.0.1:9", "t", null, null, null, null, null),
        new PipeSpec.Destination("default", "t", false, null, List.of()),
        List.of(),
        new PipeSpec.PipeScaling(1, 125, 0.5),
        Map.of());
  }
}
