package dev.chplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  private static Map<String, String> labels(String... kv) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      out.put(kv[i], kv[i + 1]);
    }
    return out;
  }

  @Test
  void familiesAreWrittenOnceWithHelpAndTypeAndTheirSamplesTogether() {
    PrometheusText text = new PrometheusText();
    text.add("a_total", PrometheusText.Type.COUNTER, "first", labels("s", "1"), "1");
    text.add("b", PrometheusText.Type.GAUGE, "second", labels("s", "1"), "2.5");
    text.add(
        "a_total",
        PrometheusText.Type.COUNTER,
        "ignored: the first help wins",
        labels("s", "2"),
        "3");
    text.add("a_total", PrometheusText.Type.COUNTER, "first", labels("s", "2"), "4");
    assertThat(text.render())
        .isEqualTo(
            """
        # HELP a_total first
        # TYPE a_total counter
        a_total{s="1"} 1
        a_total{s="2"} 3
        # HELP b second
        # TYPE b gauge
        b{s="1"} 2.5
        """);
  }

  @Test
  void labelValuesAndHelpAreEscaped() {
    PrometheusText text = new PrometheusText();
    text.add(
        "m", PrometheusText.Type.GAUGE, "a \\ b\nc \"q\"", labels("name", "x\\y \"z\"\nw"), "1");
    assertThat(text.render())
        .isEqualTo(
            "# HELP m a \\\\ b\\nc \"q\"\n# TYPE m gauge\nm{name=\"x\\\\y \\\"z\\\"\\nw\"} 1\n");
  }

  @Test
  void namesAreSanitizedAndValuesSpelledAsTheFormatWants() {
    assertThat(
            PrometheusText.sanitize("ClickHouseAsyncMetrics_jemalloc.background_thread.num_runs"))
        .isEqualTo("ClickHouseAsyncMetrics_jemalloc_background_thread_num_runs");
    assertThat(PrometheusText.sanitize("a-b c:d/é")).isEqualTo("a_b_c:d__");
    assertThat(PrometheusText.value("18446744073709551615")).isEqualTo("18446744073709551615");
    assertThat(PrometheusText.value("0.25")).isEqualTo("0.25");
    assertThat(PrometheusText.value("45")).isEqualTo("45");
    assertThat(PrometheusText.value("1e21")).isEqualTo("1.0E21");
    assertThat(PrometheusText.value("inf")).isEqualTo("+Inf");
    assertThat(PrometheusText.value("-inf")).isEqualTo("-Inf");
    assertThat(PrometheusText.value("nan")).isEqualTo("NaN");
    assertThat(PrometheusText.value("x")).isNull();
    assertThat(PrometheusText.value(1.5)).isEqualTo("1.5");
    assertThat(PrometheusText.value(3.0)).isEqualTo("3");
  }

  @Test
  void aSecondSampleOfTheSameSeriesIsDropped() {
    PrometheusText text = new PrometheusText();
    text.add("m", PrometheusText.Type.GAUGE, "h", labels("a", "1"), "1");
    text.add("m", PrometheusText.Type.GAUGE, "h", labels("a", "1"), "2");
    assertThat(text.render()).isEqualTo("# HELP m h\n# TYPE m gauge\nm{a=\"1\"} 1\n");
    assertThat(new PrometheusText().render()).isEmpty();
  }
}
