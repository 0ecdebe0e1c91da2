package dev.chplane.pipes;

/**
 * A cursor over one JSON text in UTF-8 that checks tokens without decoding them. It is strict:
 * where it returns {@code false} or {@code -1} the text may still be JSON that a full parser takes
 * (e.g. strings with surrogate escapes, numbers with exponents, deep nesting); callers treat that
 * as "not sure" and fall back to the full parser. It never accepts text that is not JSON.
 */
final class JsonBytes {
  private static final int MAX_DEPTH = 64;

  final byte[] b;
  int pos;

  /** Whether the last string read had escape sequences (so its raw bytes are not its text). */
  boolean escaped;

  /** Whether the last number read had a fraction. */
  boolean fraction;

  JsonBytes(byte[] b) {
    this.b = b;
  }

  /** Skips whitespace; returns the next byte, or -1 at the end. */
  int peek() {
    while (pos < b.length
        && (b[pos] == ' ' || b[pos] == '\n' || b[pos] == '\r' || b[pos] == '\t')) {
      pos++;
    }
    return pos < b.length ? b[pos] : -1;
  }

  /** Consumes {@code c} after optional whitespace. */
  boolean expect(char c) {
    if (peek() != c) {
      return false;
    }
    pos++;
    return true;
  }

  /**
   * Reads a string at the cursor; returns the index of its first content byte (its end is {@code
   * pos - 1}), or -1. Checks escapes and UTF-8; refuses control characters and surrogate escapes.
   */
  int string() {
    if (peek() != '"') {
      return -1;
    }
    int start = ++pos;
    escaped = false;
    while (pos < b.length) {
      // the common bytes first: printable ASCII other than the quote and the backslash
      byte fast;
      while (pos < b.length && (fast = b[pos]) >= 0x20 && fast != '"' && fast != '\\') {
        pos++;
      }
      if (pos >= b.length) {
        return -1;
      }
      int c = b[pos] & 0xFF;
      if (c == '"') {
        pos++;
        return start;
      }
      if (c < 0x20) {
        return -1;
      }
      if (c == '\\') {
        escaped = true;
        if (!escape()) {
          return -1;
        }
      } else if (c >= 0x80) {
        if (!utf8(c)) {
          return -1;
        }
      } else {
        pos++;
      }
    }
    return -1;
  }

  private boolean escape() {
    if (pos + 1 >= b.length) {
      return false;
    }
    byte e = b[pos + 1];
    if (e != 'u') {
      pos += 2;
      return e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r'
          || e == 't';
    }
    if (pos + 6 > b.length) {
      return false;
    }
    int v = 0;
    for (int i = pos + 2; i < pos + 6; i++) {
      int d = Character.digit(b[i], 16);
      if (d < 0) {
        return false;
      }
      v = v * 16 + d;
    }
    pos += 6;
    // lone halves of surrogate pairs are refused by the server; pairs are left to the full parser
    return v < 0xD800 || v > 0xDFFF;
  }

  /**
   * One UTF-8 sequence starting with {@code c}, without overlong forms, surrogates or values above
   * U+10FFFF.
   */
  private boolean utf8(int c) {
    int n;
    int lo = 0x80;
    int hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      lo = c == 0xE0 ? 0xA0 : 0x80;
      hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      lo = c == 0xF0 ? 0x90 : 0x80;
      hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
      return false;
    }
    if (pos + n >= b.length) {
      return false;
    }
    for (int i = 1; i <= n; i++) {
      int d = b[pos + i] & 0xFF;
      if (d < (i == 1 ? lo : 0x80) || d > (i == 1 ? hi : 0xBF)) {
        return false;
      }
    }
    pos += n + 1;
    return true;
  }

  /**
   * Reads a number at the cursor: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?}; returns its start, or -1
   * (also for exponents). {@link #fraction} tells whether it had a decimal point.
   */
  int number() {
    int start = pos;
    if (pos < b.length && b[pos] == '-') {
      pos++;
    }
    if (pos >= b.length || !digit(b[pos])) {
      return -1;
    }
    if (b[pos] == '0') {
      pos++;
    } else {
      while (pos < b.length && digit(b[pos])) {
        pos++;
      }
    }
    fraction = false;
    if (pos < b.length && b[pos] == '.') {
      fraction = true;
      int first = ++pos;
      while (pos < b.length && digit(b[pos])) {
        pos++;
      }
      if (pos == first) {
        return -1;
      }
    }
    return pos < b.length && (b[pos] == 'e' || b[pos] == 'E' || digit(b[pos])) ? -1 : start;
  }

  /** Reads {@code true}, {@code false} or {@code null} when it is {@code word}. */
  boolean literal(String word) {
    if (pos + word.length() > b.length) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (b[pos + i] != word.charAt(i)) {
        return false;
      }
    }
    pos += word.length();
    return true;
  }

  /** Skips one value of any kind, checking it as strictly as the rest. */
  boolean skipValue(int depth) {
    int c = peek();
    if (depth > MAX_DEPTH) {
      return false;
    }
    switch (c) {
      case '"':
        return string() >= 0;
      case '{':
        pos++;
        if (expect('}')) {
          return true;
        }
        do {
          if (string() < 0 || !expect(':') || !skipValue(depth + 1)) {
            return false;
          }
        } while (expect(','));
        return expect('}');
      case '[':
        pos++;
        if (expect(']')) {
          return true;
        }
        do {
          if (!skipValue(depth + 1)) {
            return false;
          }
        } while (expect(','));
        return expect(']');
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number() >= 0;
    }
  }

  private static boolean digit(byte c) {
    return c >= '0' && c <= '9';
  }
}
