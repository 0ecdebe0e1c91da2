package dev.chplane.provision.local;

/** The ports one local server listens on, on loopback: HTTPS and native TLS. */
public record ReplicaPorts(int https, int nativeSecure) {}
