package dev.chplane.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader of the Prometheus text format as chplane writes it: every family has exactly one
 * {@code # HELP} and one {@code # TYPE}, before its samples, and its samples follow each other.
 * Anything else is an {@link AssertionError}.
 */
public final class Exposition {
  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, String value) {
    public double number() {
      return switch (value) {
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        case "NaN" -> Double.NaN;
        default -> Double.parseDouble(value);
      };
    }
  }

  /** One metric family. */
  public record Family(String name, String help, String type, List<Sample> samples) {}

  private Exposition() {}

  public static Map<String, Family> parse(String text) {
    Map<String, Family> families = new LinkedHashMap<>();
    String current = null;
    String help = null;
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# HELP ")) {
        String[] parts = line.substring(7).split(" ", 2);
        if (families.containsKey(parts[0]) || help != null) {
          throw new AssertionError("a second HELP, or HELP without TYPE: " + line);
        }
        current = parts[0];
        help = parts.length > 1 ? parts[1] : "";
      } else if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ", 2);
        if (!parts[0].equals(current) || help == null || families.containsKey(current)) {
          throw new AssertionError("TYPE without its HELP just before, or a second TYPE: " + line);
        }
        families.put(current, new Family(current, help, parts[1], new ArrayList<>()));
        help = null;
      } else if (line.startsWith("#")) {
        throw new AssertionError("unexpected comment: " + line);
      } else {
        Sample s = sample(line);
        if (!s.name().equals(current) || !families.containsKey(current)) {
          throw new AssertionError("sample outside its family (" + current + "): " + line);
        }
        families.get(current).samples().add(s);
      }
    }
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new AssertionError("the exposition must end with a line feed");
    }
    return families;
  }

  static Sample sample(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    Map<String, String> labels = new LinkedHashMap<>();
    if (brace < 0 || brace > space) {
      return new Sample(line.substring(0, space), labels, line.substring(space + 1));
    }
    String name = line.substring(0, brace);
    int i = brace + 1;
    while (line.charAt(i) != '}') {
      int eq = line.indexOf("=\"", i);
      String key = line.substring(i, eq);
      StringBuilder value = new StringBuilder();
      i = eq + 2;
      while (line.charAt(i) != '"') {
        char c = line.charAt(i++);
        if (c == '\\') {
          char e = line.charAt(i++);
          value.append(e == 'n' ? '\n' : e);
        } else {
          value.append(c);
        }
      }
      i++;
      labels.put(key, value.toString());
      if (line.charAt(i) == ',') {
        i++;
      }
    }
    if (line.charAt(i + 1) != ' ') {
      throw new AssertionError("no space before the value: " + line);
    }
    return new Sample(name, labels, line.substring(i + 2));
  }
}
