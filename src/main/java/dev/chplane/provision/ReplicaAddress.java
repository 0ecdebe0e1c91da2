package dev.chplane.provision;

/** Where one replica of a service answers: its host and its TLS ports (TLS is always on). */
public record ReplicaAddress(String host, int httpsPort, int nativeSecurePort) {}
