package dev.chplane.domain;

/**
 * The public endpoint ports of a service, chosen once at creation and never changed: the API
 * returns them and the exposure listens on them. Where the service's servers listen is the
 * provisioner's business, kept by it, not here.
 */
public record ServicePorts(int https, int nativeSecure) {}
