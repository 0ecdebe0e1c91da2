package dev.chplane.domain;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Parses the {@code source} of an IP access list entry (an IPv4 or IPv6 address, or a CIDR) and
 * turns it into a ClickHouse {@code <networks><ip>} pattern.
 */
public final class IpSource {
  private static final Pattern IPV4 =
      Pattern.compile("^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$");
  private static final Pattern IPV6 = Pattern.compile("^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$");
  /** The ClickHouse pattern that admits every address. */
  public static final String ANYWHERE = "::/0";

  private IpSource() {}

  /** Throws a 400 naming {@code field} unless {@code source} is an IP address or a CIDR. */
  public static void validate(String field, String source) {
    if (source == null || source.isBlank()) {
      throw ApiException.badRequest(field + ": must be an IPv4/IPv6 address or CIDR, got an empty value");
    }
    int slash = source.indexOf('/');
    String address = slash < 0 ? source : source.substring(0, slash);
    boolean v4 = IPV4.matcher(address).matches();
    boolean v6 = !v4 && IPV6.matcher(address).matches() && parses(address);
    if (!v4 && !v6) {
      throw ApiException.badRequest(field + ": '" + source + "' is not an IPv4/IPv6 address or CIDR");
    }
    if (slash >= 0) {
      String prefix = source.substring(slash + 1);
      int max = v4 ? 32 : 128;
      if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > max) {
        throw ApiException.badRequest(
            field + ": '" + source + "' has a prefix length that is not between 0 and " + max);
      }
    }
  }

  /**
   * The ClickHouse network pattern for a validated source. {@code 0.0.0.0} and {@code 0.0.0.0/0}
   * mean anywhere. An IPv4 CIDR is written as its IPv4-mapped IPv6 form: ClickHouse 18.16 applies an
   * IPv4 prefix length to the mapped 128-bit address, so {@code 10.0.0.0/8} would admit everyone.
   */
  public static String toClickHousePattern(String source) {
    if (source.equals("0.0.0.0") || source.equals("0.0.0.0/0") || source.equals("::/0")) {
      return ANYWHERE;
    }
    int slash = source.indexOf('/');
    if (slash < 0) {
      return source;
    }
    String address = source.substring(0, slash);
    int prefix = Integer.parseInt(source.substring(slash + 1));
    if (IPV4.matcher(address).matches()) {
      return "::ffff:" + address + "/" + (96 + prefix);
    }
    return source;
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
