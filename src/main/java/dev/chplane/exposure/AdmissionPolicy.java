package dev.chplane.exposure;

import java.net.InetAddress;

/**
 * Who may connect to a route, decided when the connection is accepted (before a byte is read). The
 * IP access list today ({@link IpAccessListPolicy}); private endpoints add their own policy.
 */
public interface AdmissionPolicy {
  boolean admits(InetAddress client);
}
