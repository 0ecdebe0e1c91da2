package dev.chplane.exposure;

/** A public endpoint of a service: a port the API returns, leading to the service's replicas. */
public record Endpoint(EndpointKind kind, int publicPort) {}
