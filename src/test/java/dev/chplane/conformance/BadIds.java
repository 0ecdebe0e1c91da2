package dev.chplane.conformance;

import java.util.List;

/**
 * Path ids that are not UUIDs, derived from a real one so that a lenient parser could mistake them
 * for it: each must be refused with a 400, whatever operation it is sent to. (Upper case hex is a
 * valid UUID and is not among them.) Each is written as it goes into a URL.
 */
final class BadIds {
  private BadIds() {}

  static List<String> variants(String real) {
    return List.of(
        "not-a-uuid",
        "12345",
        real.substring(0, 35),
        real + "0",
        real.replace("-", ""),
        "%7B" + real + "%7D",
        "+" + real.substring(1),
        real.substring(0, 8) + real.charAt(9) + "-" + real.substring(10),
        "g" + real.substring(1),
        "%20" + real.substring(1),
        "a".repeat(1000),
        "%C3%BC".repeat(36),
        "1'%20OR%20'1'='1");
  }
}
