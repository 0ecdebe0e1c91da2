package dev.chplane.domain;

/**
 * The ports of a service. {@code https} and {@code nativeSecure} are its public endpoints, chosen
 * once at creation and never changed; chplane's edge listens on them. The server itself listens on
 * the internal ports, on loopback only (0 = not assigned yet, for services made before the edge).
 */
public record ServicePorts(int https, int nativeSecure, int internalHttps, int internalNativeSecure) {

  public ServicePorts(int https, int nativeSecure) {
    this(https, nativeSecure, 0, 0);
  }

  /** The ports the server listens on. */
  public ServicePorts internal() {
    return new ServicePorts(internalHttps, internalNativeSecure, 0, 0);
  }
}
