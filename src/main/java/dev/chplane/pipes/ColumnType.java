package dev.chplane.pipes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A ClickHouse column type as a tree ({@code Nullable(Array(UInt32))}), parsed from its text, with
 * the parameters the converter needs (FixedString length, Decimal scale, Enum names).
 */
public record ColumnType(String name, List<ColumnType> arguments, List<String> parameters) {
  /** Types 18.16 has and the converter handles. */
  static final Set<String> SCALARS =
      Set.of(
          "Int8",
          "Int16",
          "Int32",
          "Int64",
          "UInt8",
          "UInt16",
          "UInt32",
          "UInt64",
          "Float32",
          "Float64",
          "String",
          "Date",
          "DateTime",
          "UUID");

  /** Types of newer servers, refused by name on 18.16. */
  static final Map<String, String> NEWER =
      Map.of(
          "Bool",
          "22.1",
          "DateTime64",
          "20.1",
          "Map",
          "21.1",
          "IPv4",
          "19.3",
          "IPv6",
          "19.3",
          "JSON",
          "22.3",
          "Int128",
          "20.8",
          "UInt128",
          "20.8");

  /** Parses a type; throws IllegalArgumentException naming what is wrong. */
  public static ColumnType parse(String text) {
    Parser p = new Parser(text.trim());
    ColumnType t = p.type();
    if (p.pos != p.text.length()) {
      throw new IllegalArgumentException(
          "unexpected '" + p.text.substring(p.pos) + "' in type '" + text + "'");
    }
    return t;
  }

  public boolean is(String typeName) {
    return name.equals(typeName);
  }

  public ColumnType argument() {
    return arguments.get(0);
  }

  /** Checks every type in the tree is one this server and converter handle. */
  public void requireSupported(boolean serverHasNewTypes) {
    switch (name) {
      case "Nullable", "Array", "LowCardinality" -> {
        if (arguments.size() != 1) {
          throw new IllegalArgumentException(name + " takes exactly one type");
        }
        argument().requireSupported(serverHasNewTypes);
      }
      case "FixedString", "Decimal", "Decimal32", "Decimal64", "Decimal128", "Enum8", "Enum16" -> {
        if (parameters.isEmpty()) {
          throw new IllegalArgumentException(name + " needs parameters");
        }
      }
      default -> {
        if (NEWER.containsKey(name) && !serverHasNewTypes) {
          throw new IllegalArgumentException(
              "type "
                  + name
                  + " needs ClickHouse "
                  + NEWER.get(name)
                  + " or newer; this server has no such type");
        }
        if (!SCALARS.contains(name) && !NEWER.containsKey(name)) {
          throw new IllegalArgumentException("unknown or unsupported column type " + name);
        }
      }
    }
  }

  /**
   * Whether creating a table with this type needs allow_experimental_low_cardinality_type on 18.16.
   */
  public boolean usesLowCardinality() {
    return name.equals("LowCardinality")
        || arguments.stream().anyMatch(ColumnType::usesLowCardinality);
  }

  @Override
  public String toString() {
    if (!arguments.isEmpty()) {
      return name
          + "("
          + String.join(", ", arguments.stream().map(ColumnType::toString).toList())
          + ")";
    }
    return parameters.isEmpty() ? name : name + "(" + String.join(", ", parameters) + ")";
  }

  private static final class Parser {
    final String text;
    int pos;

    Parser(String text) {
      this.text = text;
    }

    ColumnType type() {
      skipSpaces();
      int start = pos;
      while (pos < text.length()
          && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
        pos++;
      }
      String name = text.substring(start, pos);
      if (name.isEmpty()) {
        throw new IllegalArgumentException(
            "expected a type name at position " + start + " of '" + text + "'");
      }
      skipSpaces();
      List<ColumnType> args = new ArrayList<>();
      List<String> params = new ArrayList<>();
      if (pos < text.length() && text.charAt(pos) == '(') {
        pos++;
        boolean nested = Set.of("Nullable", "Array", "LowCardinality", "Map").contains(name);
        while (true) {
          skipSpaces();
          if (nested) {
            args.add(type());
          } else {
            params.add(parameter());
          }
          skipSpaces();
          if (pos >= text.length()) {
            throw new IllegalArgumentException("missing ')' in type '" + text + "'");
          }
          char c = text.charAt(pos++);
          if (c == ')') {
            break;
          }
          if (c != ',') {
            throw new IllegalArgumentException("unexpected '" + c + "' in type '" + text + "'");
          }
        }
      }
      return new ColumnType(
          name.toLowerCase(Locale.ROOT).equals("nullable") ? "Nullable" : name, args, params);
    }

    String parameter() {
      int start = pos;
      boolean quoted = false;
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c == '\'' && (pos == 0 || text.charAt(pos - 1) != '\\')) {
          quoted = !quoted;
        } else if (!quoted && (c == ',' || c == ')')) {
          break;
        }
        pos++;
      }
      return text.substring(start, pos).trim();
    }

    void skipSpaces() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }
  }
}
