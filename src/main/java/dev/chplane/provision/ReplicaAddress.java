package dev.chplane.provision;

/**
 * Where one replica of a service answers: its host and its HTTPS and native TLS ports. TLS is
 * always on, with certificates of the installation's CA.
 */
public record ReplicaAddress(String host, int httpsPort, int nativeSecurePort) {}
