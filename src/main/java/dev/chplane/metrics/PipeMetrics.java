package dev.chplane.metrics;

import dev.chplane.domain.ClickPipe;
import dev.chplane.pipes.PipeSupervisor;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code ClickPipes_*} families of one pipe, from the pipe engine's counters. */
final class PipeMetrics {
  private PipeMetrics() {}

  static void write(
      ClickPipe pipe,
      PipeSupervisor.Counters c,
      Map<String, String> serviceLabels,
      PrometheusText out) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("clickpipe_id", pipe.id().toString());
    labels.put("clickpipe_name", pipe.spec().name());
    labels.put("clickpipe_source", pipe.spec().source().type());
    labels.putAll(serviceLabels);
    Map<String, String> info = new LinkedHashMap<>(labels);
    info.put("clickpipe_state", pipe.state().wire());
    out.add(
        "ClickPipes_Info",
        PrometheusText.Type.GAUGE,
        "Information about the ClickPipe: its state (clickpipe_state).",
        info,
        "1");
    counter(
        out,
        "ClickPipes_FetchedEvents_Total",
        "Messages the ClickPipe read from its source.",
        labels,
        c.fetchedEvents());
    counter(
        out,
        "ClickPipes_SentEvents_Total",
        "Rows the ClickPipe inserted into its destination table.",
        labels,
        c.sentEvents());
    counter(
        out,
        "ClickPipes_FetchedBytes_Total",
        "Bytes (message keys and values) the ClickPipe read from its source.",
        labels,
        c.fetchedBytes());
    counter(
        out,
        "ClickPipes_SentBytes_Total",
        "Bytes the ClickPipe inserted into its destination table.",
        labels,
        c.sentBytes());
    counter(
        out,
        "ClickPipes_Errors_Total",
        "Messages the ClickPipe sent to its error table, plus failed inserts.",
        labels,
        c.errors());
    if (!Double.isNaN(c.latencySeconds())) {
      out.add(
          "ClickPipes_Latency",
          PrometheusText.Type.GAUGE,
          "Seconds from the source timestamp of the oldest message"
              + " of the ClickPipe's last inserted batch to the end of its insert.",
          labels,
          PrometheusText.value(c.latencySeconds()));
    }
  }

  private static void counter(
      PrometheusText out, String name, String help, Map<String, String> labels, long value) {
    out.add(name, PrometheusText.Type.COUNTER, help, labels, PrometheusText.value(value));
  }
}
