package dev.chplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.chplane.domain.BackupConfiguration;
import dev.chplane.domain.IpAccessEntry;
import dev.chplane.domain.PipeSpec;
import dev.chplane.domain.Scaling;
import dev.chplane.domain.ServiceSpec;
import dev.chplane.domain.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stored JSON of each shape is what the golden files under {@code src/test/resources/golden}
 * say, byte for byte, and the golden text reads back as the value it was written from. The files
 * under {@code golden/} were written by the codec of commit 62838c8 (before the store had its own
 * records); those under {@code golden/76bbf26/} are the stored texts of the 76bbf26 PostgreSQL
 * fixture. Change a golden file only together with a reading rule for the text it held before.
 */
class StoredJsonGoldenTest {
  private final SpecCodec codec = new SpecCodec();

  @Test
  void aServiceSpecIsStoredAsTheGoldenFileSays() {
    String golden = golden("service-spec.json");
    assertThat(codec.write(GoldenValues.serviceSpec())).isEqualTo(golden);
    assertThat(codec.read(golden)).isEqualTo(GoldenValues.serviceSpec());
  }

  @Test
  void anIpAccessListIsStoredAsTheGoldenFileSays() {
    String golden = golden("ip-access-list.json");
    assertThat(codec.writeIpList(GoldenValues.ipAccessList())).isEqualTo(golden);
    assertThat(codec.readIpList(golden)).isEqualTo(GoldenValues.ipAccessList());
  }

  @Test
  void aPipeSpecIsStoredAsTheGoldenFileSays() {
    String golden = golden("pipe-spec.json");
    assertThat(codec.writePipe(GoldenValues.pipeSpec())).isEqualTo(golden);
    assertThat(codec.readPipe(golden)).isEqualTo(GoldenValues.pipeSpec());
  }

  @Test
  void theServiceSpecsOf76bbf26ReadAsTheyWereSentAndAreWrittenBackUnchanged() {
    ServiceSpec data =
        new ServiceSpec(
            "fixture-data",
            "aws",
            "us-east-1",
            null,
            List.of(
                new IpAccessEntry("127.0.0.1", "loopback"), new IpAccessEntry("10.0.0.0/8", "")),
            Scaling.defaults(),
            null,
            false,
            null,
            false,
            List.of(new Tag("team", "storage"), new Tag("env", "fixture")),
            null,
            new BackupConfiguration(48, 1080, null));
    ServiceSpec idle =
        new ServiceSpec(
            "fixture-idle",
            "aws",
            "us-east-1",
            null,
            List.of(
                new IpAccessEntry("0.0.0.0/0", "anywhere"),
                new IpAccessEntry("192.168.1.0/24", "office"),
                new IpAccessEntry("::1", "")),
            Scaling.defaults(),
            null,
            false,
            null,
            false,
            List.of(new Tag("team", "web")),
            null,
            new BackupConfiguration(48, null, null));
    assertThat(codec.read(golden("76bbf26/service-spec-data.json"))).isEqualTo(data);
    assertThat(codec.write(data)).isEqualTo(golden("76bbf26/service-spec-data.json"));
    assertThat(codec.read(golden("76bbf26/service-spec-idle.json"))).isEqualTo(idle);
    assertThat(codec.write(idle)).isEqualTo(golden("76bbf26/service-spec-idle.json"));
  }

  @Test
  void theKeyIpListOf76bbf26ReadsAsItWasSentAndIsWrittenBackUnchanged() {
    List<IpAccessEntry> anywhere = List.of(new IpAccessEntry("0.0.0.0/0", "Anywhere"));
    assertThat(codec.readIpList(golden("76bbf26/ip-access-list.json"))).isEqualTo(anywhere);
    assertThat(codec.writeIpList(anywhere)).isEqualTo(golden("76bbf26/ip-access-list.json"));
  }

  @Test
  void thePipeSpecOf76bbf26ReadsAsItWasSentAndIsWrittenBackUnchanged() {
    PipeSpec pipe =
        new PipeSpec(
            "fixture-scram",
            new dev.chplane.domain.KafkaSource(
                "kafka",
                "JSONEachRow",
                "127.0.0.1:9",
                "fixture-topic",
                "fixture-group",
                "SCRAM-SHA-256",
                "from_beginning",
                null,
                null),
            new PipeSpec.Destination(
                "fixture",
                "from_kafka",
                true,
                new PipeSpec.TableDefinition(
                    "MergeTree", null, List.of(), List.of("id"), null, null),
                List.of(
                    new PipeSpec.Column("id", "UInt64"), new PipeSpec.Column("message", "String"))),
            List.of(new PipeSpec.FieldMapping("text", "message")),
            new PipeSpec.PipeScaling(1, 125, 0.5),
            Map.of("streaming_max_insert_wait_ms", 1500));
    assertThat(codec.readPipe(golden("76bbf26/pipe-spec.json"))).isEqualTo(pipe);
    assertThat(codec.writePipe(pipe)).isEqualTo(golden("76bbf26/pipe-spec.json"));
  }

  /**
   * The names are pinned where they are declared: no component takes its JSON name from its Java
   * name.
   */
  @Test
  void everyStoredComponentNamesItsJsonFieldAndItsPlace() {
    List<Class<?>> stored =
        List.of(
            StoredServiceSpec.class,
            StoredIpEntry.class,
            StoredTag.class,
            StoredScaling.class,
            StoredBackupConfiguration.class,
            StoredPipeSpec.class,
            StoredPipeSpec.Kafka.class,
            StoredPipeSpec.Destination.class,
            StoredPipeSpec.TableDefinition.class,
            StoredPipeSpec.Column.class,
            StoredPipeSpec.FieldMapping.class,
            StoredPipeSpec.Scaling.class);
    for (Class<?> type : stored) {
      List<String> names =
          Arrays.stream(type.getRecordComponents()).map(StoredJsonGoldenTest::jsonName).toList();
      assertThat(names).as(type.getName()).doesNotContainNull();
      assertThat(type.getAnnotation(JsonPropertyOrder.class)).as(type.getName()).isNotNull();
      assertThat(type.getAnnotation(JsonPropertyOrder.class).value())
          .as(type.getName())
          .containsExactlyElementsOf(names);
    }
  }

  private static String jsonName(RecordComponent c) {
    // @JsonProperty cannot target a record component: Java copies it to the accessor (and field,
    // parameter)
    JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
    return p == null || p.value().isEmpty() ? null : p.value();
  }

  /** A golden file's text without the final line break that every text file ends with. */
  private static String golden(String name) {
    try (InputStream in = StoredJsonGoldenTest.class.getResourceAsStream("/golden/" + name)) {
      assertThat(in).as("golden file " + name).isNotNull();
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(text).as(name + " ends with one line break").endsWith("\n").doesNotEndWith("\n\n");
      return text.substring(0, text.length() - 1);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
