package dev.chplane.exposure;

import dev.chplane.domain.IpAccessEntry;
import dev.chplane.domain.IpMatcher;
import java.net.InetAddress;
import java.util.List;

/** Admits the clients in a service's IP access list; an empty list admits nobody. */
public record IpAccessListPolicy(List<IpAccessEntry> entries) implements AdmissionPolicy {

  public IpAccessListPolicy {
    entries = List.copyOf(entries);
  }

  @Override
  public boolean admits(InetAddress client) {
    return IpMatcher.admits(entries, client.getHostAddress());
  }
}
