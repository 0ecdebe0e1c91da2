package dev.chplane.domain;

/**
 * The ports of a service as stored. {@code https} and {@code nativeSecure} are its public endpoints,
 * chosen once at creation and never changed; the edge listens on them. The internal ports belong to
 * the local provisioner, which assigns and records them for the server it runs (0 = not assigned
 * yet): only it and the exposure read them. They stay on the service row so that stored data keeps
 * its shape.
 */
public record ServicePorts(int https, int nativeSecure, int internalHttps, int internalNativeSecure) {

  public ServicePorts(int https, int nativeSecure) {
    this(https, nativeSecure, 0, 0);
  }
}
