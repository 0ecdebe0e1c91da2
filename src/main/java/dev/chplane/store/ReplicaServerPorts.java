package dev.chplane.store;

/**
 * The loopback ports the local provisioner recorded for one replica of a service (a row of {@code
 * replica_ports}); 0 for a port not assigned yet. Not part of the domain: only the provisioner
 * reads them.
 */
public record ReplicaServerPorts(int https, int nativeSecure, int tcp, int interserver) {}
