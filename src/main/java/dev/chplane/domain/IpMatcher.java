package dev.chplane.domain;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Tells whether a client address falls within an IP access list (IPv4 and IPv6, CIDR or single address). */
public final class IpMatcher {
  private IpMatcher() {}

  /** True if {@code address} matches any entry; an empty list admits nobody. */
  public static boolean admits(List<IpAccessEntry> list, String address) {
    byte[] client = bytes(address);
    if (client == null) {
      return false;
    }
    for (IpAccessEntry entry : list) {
      if (matches(entry.source(), client)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(String source, byte[] client) {
    if (source.equals("0.0.0.0") || source.equals("0.0.0.0/0") || source.equals("::/0")) {
      return true;
    }
    int slash = source.indexOf('/');
    byte[] network = bytes(slash < 0 ? source : source.substring(0, slash));
    if (network == null) {
      return false;
    }
    byte[] candidate = client;
    if (network.length != candidate.length) {
      candidate = network.length == 4 ? unmapped(client) : mapped(client);
      if (candidate == null) {
        return false;
      }
    }
    int prefix = slash < 0 ? network.length * 8 : Integer.parseInt(source.substring(slash + 1));
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

  private static byte[] mapped(byte[] v4) {
    byte[] out = new byte[16];
    out[10] = (byte) 0xff;
    out[11] = (byte) 0xff;
    System.arraycopy(v4, 0, out, 12, 4);
    return out;
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
