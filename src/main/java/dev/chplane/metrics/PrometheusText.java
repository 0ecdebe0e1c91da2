package dev.chplane.metrics;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Prometheus text exposition format (version 0.0.4): samples are grouped by metric family, each
 * family written once with its {@code # HELP} and {@code # TYPE} lines, in the order families were
 * first seen. Label values and help texts are escaped as the format requires. A second sample of a
 * family with the same labels is dropped (two names that sanitize to the same one would otherwise
 * make a duplicate series).
 */
public final class PrometheusText {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,20}");

  /** The metric types chplane writes. */
  public enum Type {
    GAUGE,
    COUNTER;

    String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static final class Family {
    final Type type;
    final String help;
    final StringBuilder samples = new StringBuilder();
    final Set<String> series = new HashSet<>();

    Family(Type type, String help) {
      this.type = type;
      this.help = help;
    }
  }

  private final Map<String, Family> families = new LinkedHashMap<>();

  /**
   * Adds one sample. {@code name} must already be a valid metric name ({@link #sanitize}); the
   * family's type and help are those of its first sample.
   */
  public void add(String name, Type type, String help, Map<String, String> labels, String value) {
    Family family = families.computeIfAbsent(name, n -> new Family(type, help));
    StringBuilder line = new StringBuilder(name);
    if (!labels.isEmpty()) {
      line.append('{');
      boolean first = true;
      for (Map.Entry<String, String> label : labels.entrySet()) {
        if (!first) {
          line.append(',');
        }
        first = false;
        line.append(label.getKey())
            .append("=\"")
            .append(escapeLabelValue(label.getValue()))
            .append('"');
      }
      line.append('}');
    }
    if (family.series.add(line.toString())) {
      family.samples.append(line).append(' ').append(value).append('\n');
    }
  }

  public boolean isEmpty() {
    return families.isEmpty();
  }

  /** The whole exposition; empty when there is no sample. */
  public String render() {
    StringBuilder out = new StringBuilder();
    families.forEach(
        (name, family) ->
            out.append("# HELP ")
                .append(name)
                .append(' ')
                .append(escapeHelp(family.help))
                .append('\n')
                .append("# TYPE ")
                .append(name)
                .append(' ')
                .append(family.type.wire())
                .append('\n')
                .append(family.samples));
    return out.toString();
  }

  /** A metric name: every character outside {@code [a-zA-Z0-9_:]} replaced by {@code _}. */
  public static String sanitize(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          c >= 'a' && c <= 'z'
              || c >= 'A' && c <= 'Z'
              || c >= '0' && c <= '9'
              || c == '_'
              || c == ':';
      out.append(ok ? c : '_');
    }
    return out.toString();
  }

  /** Backslash, double quote and line feed escaped, as label values need. */
  static String escapeLabelValue(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** Backslash and line feed escaped, as help texts need. */
  static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }

  public static String value(long value) {
    return Long.toString(value);
  }

  public static String value(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  /**
   * A number as ClickHouse's {@code toString} writes it ({@code 42}, {@code 0.5}, {@code inf},
   * {@code nan}), in the exposition's spelling; integers keep every digit. Null if it is not a
   * number.
   */
  public static String value(String text) {
    String t = text.strip();
    if (INTEGER.matcher(t).matches()) {
      return t;
    }
    switch (t.toLowerCase(java.util.Locale.ROOT)) {
      case "inf", "+inf" -> {
        return "+Inf";
      }
      case "-inf" -> {
        return "-Inf";
      }
      case "nan", "-nan", "+nan" -> {
        return "NaN";
      }
      default -> {
        try {
          return value(Double.parseDouble(t));
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
  }
}
