package dev.chplane.exposure;

/**
 * The protocols a service's public endpoints speak; each leads to the same protocol on a replica.
 */
public enum EndpointKind {
  HTTPS,
  NATIVE_SECURE
}
