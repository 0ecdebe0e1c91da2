package dev.chplane.domain;

/** The ports chosen once at creation for a service's endpoints; they never change afterwards. */
public record ServicePorts(int https, int nativeSecure) {}
