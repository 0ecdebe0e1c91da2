package dev.chplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.domain.ActivityType;
import dev.chplane.domain.BackupStatus;
import dev.chplane.domain.BackupType;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.PipeState;
import dev.chplane.domain.ServiceState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The enum constants stored by name are the ones {@code golden/stored-enum-names.txt} lists: a
 * renamed or removed constant would leave rows that no longer read, so it fails here first.
 */
class StoredEnumNamesTest {
  private static final Map<String, Class<? extends Enum<?>>> STORED =
      Map.of(
          "ServiceState",
          ServiceState.class,
          "DesiredState",
          DesiredState.class,
          "BackupStatus",
          BackupStatus.class,
          "BackupType",
          BackupType.class,
          "PipeState",
          PipeState.class,
          "ActivityType",
          ActivityType.class);

  @Test
  void everyStoredEnumHasExactlyTheNamesTheGoldenFileLists() throws IOException {
    Map<String, List<String>> golden = golden();
    assertThat(golden.keySet()).containsExactlyInAnyOrderElementsOf(STORED.keySet());
    STORED.forEach(
        (name, type) ->
            assertThat(Arrays.stream(type.getEnumConstants()).map(Enum::name).toList())
                .as(
                    name
                        + ": stored rows hold these names (a rename needs a reading rule for the old name in Rows)")
                .containsExactlyInAnyOrderElementsOf(golden.get(name)));
  }

  private static Map<String, List<String>> golden() throws IOException {
    try (InputStream in =
        StoredEnumNamesTest.class.getResourceAsStream("/golden/stored-enum-names.txt")) {
      assertThat(in).isNotNull();
      Map<String, List<String>> out = new LinkedHashMap<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] enumAndNames = line.split(":", 2);
        out.put(enumAndNames[0].split(" ")[0], List.of(enumAndNames[1].trim().split(" +")));
      }
      return out;
    }
  }
}
