package dev.chplane.domain;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Parses and checks the {@code source} of an IP access list entry (an IPv4 or IPv6 address, or a
 * CIDR). The edge enforces the lists ({@link IpMatcher}); servers admit their users from loopback
 * only.
 */
public final class IpSource {
  private static final Pattern IPV4 =
      Pattern.compile(
          "^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$");
  private static final Pattern IPV6 = Pattern.compile("^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$");

  private IpSource() {}

  /**
   * Throws a 400 naming {@code field} unless {@code source} is an IP address or a CIDR whose
   * address is the network itself ({@code 10.0.0.0/8}, not {@code 10.0.0.1/8}: host bits set are
   * refused, not normalised, because entries are echoed exactly as sent).
   */
  public static void validate(String field, String source) {
    if (source == null || source.isBlank()) {
      throw DomainException.invalidInput(
          field + ": must be an IPv4/IPv6 address or CIDR, got an empty value");
    }
    int slash = source.indexOf('/');
    String address = slash < 0 ? source : source.substring(0, slash);
    boolean v4 = IPV4.matcher(address).matches();
    boolean v6 = !v4 && IPV6.matcher(address).matches() && parses(address);
    if (!v4 && !v6) {
      throw DomainException.invalidInput(
          field + ": '" + source + "' is not an IPv4/IPv6 address or CIDR");
    }
    if (slash >= 0) {
      String prefix = source.substring(slash + 1);
      int max = v4 ? 32 : 128;
      if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > max) {
        throw DomainException.invalidInput(
            field + ": '" + source + "' has a prefix length that is not between 0 and " + max);
      }
      byte[] network = bytes(address, v4);
      int length = Integer.parseInt(prefix);
      if (!hostBitsClear(network, length)) {
        throw DomainException.invalidInput(
            field
                + ": '"
                + source
                + "' has host bits set; the network of that prefix is '"
                + networkOf(network, length, v4)
                + "/"
                + length
                + "'");
      }
    }
  }

  private static boolean hostBitsClear(byte[] network, int prefix) {
    for (int bit = prefix; bit < network.length * 8; bit++) {
      if ((network[bit / 8] & (0x80 >> (bit % 8))) != 0) {
        return false;
      }
    }
    return true;
  }

  private static String networkOf(byte[] address, int prefix, boolean v4) {
    byte[] out = address.clone();
    for (int bit = prefix; bit < out.length * 8; bit++) {
      out[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
    }
    try {
      String text = InetAddress.getByAddress(out).getHostAddress();
      // an IPv4-mapped network comes back as IPv4; it is written as it was sent, mapped
      return v4 ? text : text.contains(":") ? compact(text) : "::ffff:" + text;
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes are always an address", e);
    }
  }

  /**
   * {@code 2001:db8:0:0:0:0:0:0} as {@code 2001:db8::}: the longest run of zero groups shortened.
   */
  private static String compact(String full) {
    String padded = ":" + full + ":";
    String best = null;
    for (int n = 8; n >= 2 && best == null; n--) {
      String run = ":" + "0:".repeat(n);
      if (padded.contains(run)) {
        best = run;
      }
    }
    if (best == null) {
      return full;
    }
    String out = padded.replaceFirst(java.util.regex.Pattern.quote(best), "::");
    out = out.startsWith(":::") ? out.substring(1) : out;
    out = out.startsWith("::") ? out : out.substring(1);
    out = out.endsWith(":::") ? out.substring(0, out.length() - 1) : out;
    return out.endsWith("::") ? out : out.substring(0, out.length() - 1);
  }

  private static byte[] bytes(String literal, boolean v4) {
    try {
      byte[] raw = InetAddress.getByName(literal).getAddress();
      // an IPv4-mapped IPv6 literal comes back as 4 bytes; its prefix counts 128 bits
      if (!v4 && raw.length == 4) {
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(raw, 0, out, 12, 4);
        return out;
      }
      return raw;
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a validated literal always parses", e);
    }
  }

  private static boolean parses(String literal) {
    try {
      // a literal that passed the pattern is never looked up in DNS
      InetAddress.getByName(literal);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
