package dev.chplane.provision.local;

/**
 * The ports one local server (a replica of a service) listens on, on loopback: HTTPS and native TLS
 * (the edge forwards to these), plain native TCP (the cluster definition: 18.16's distributed DDL
 * finds its own host by this port) and interserver HTTP (replication). 0 = not assigned yet.
 */
public record ReplicaPorts(int https, int nativeSecure, int tcp, int interserver) {
  public static final ReplicaPorts NONE = new ReplicaPorts(0, 0, 0, 0);

  /** A server of a service made before replicas: only its TLS ports are known. */
  public ReplicaPorts(int https, int nativeSecure) {
    this(https, nativeSecure, 0, 0);
  }

  /** True when every port is assigned. */
  public boolean complete() {
    return https != 0 && nativeSecure != 0 && tcp != 0 && interserver != 0;
  }
}
