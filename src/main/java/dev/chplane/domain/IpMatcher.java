package dev.chplane.domain;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Tells whether a client address falls within an IP access list (IPv4 and IPv6, CIDR or single
 * address). {@code 0.0.0.0} and {@code 0.0.0.0/0} admit every address, as ClickHouse Cloud's
 * "Anywhere"; {@code ::/0} admits every IPv6 address and no IPv4 one (an IPv4 client seen as an
 * IPv4-mapped IPv6 address counts as IPv4).
 */
public final class IpMatcher {
  private IpMatcher() {}

  /** True if {@code address} matches any entry; an empty list admits nobody. */
  public static boolean admits(List<IpAccessEntry> list, String address) {
    byte[] client = bytes(address);
    if (client == null) {
      return false;
    }
    byte[] v4 = client.length == 16 ? unmapped(client) : null;
    client = v4 != null ? v4 : client;
    for (IpAccessEntry entry : list) {
      if (matches(entry.source(), client)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(String source, byte[] client) {
    if (source.equals("0.0.0.0") || source.equals("0.0.0.0/0")) {
      return true;
    }
    int slash = source.indexOf('/');
    String literal = slash < 0 ? source : source.substring(0, slash);
    byte[] network = bytes(literal);
    if (network == null) {
      return false;
    }
    int prefix = slash < 0 ? network.length * 8 : Integer.parseInt(source.substring(slash + 1));
    byte[] mappedNetwork = network.length == 16 ? unmapped(network) : null;
    if (mappedNetwork != null || (network.length == 4 && literal.contains(":"))) {
      // an IPv4-mapped IPv6 network (::ffff:10.0.0.0/104) names IPv4 clients; its prefix counts 128
      // bits
      if (slash >= 0 && prefix < 96) {
        return false;
      }
      network = mappedNetwork != null ? mappedNetwork : network;
      prefix = slash < 0 ? 32 : prefix - 96;
    }
    if (network.length != client.length) {
      return false;
    }
    byte[] candidate = client;
    for (int bit = 0; bit < prefix; bit++) {
      int mask = 0x80 >> (bit % 8);
      if ((network[bit / 8] & mask) != (candidate[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static byte[] unmapped(byte[] v6) {
    for (int i = 0; i < 10; i++) {
      if (v6[i] != 0) {
        return null;
      }
    }
    if (v6[10] != (byte) 0xff || v6[11] != (byte) 0xff) {
      return null;
    }
    return new byte[] {v6[12], v6[13], v6[14], v6[15]};
  }

  private static byte[] bytes(String literal) {
    if (literal == null || literal.isEmpty() || !literal.matches("[0-9a-fA-F:.%]+")) {
      return null;
    }
    try {
      // only numeric literals reach here, so no name is ever looked up
      return InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
