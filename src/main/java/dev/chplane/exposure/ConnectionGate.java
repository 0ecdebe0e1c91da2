package dev.chplane.exposure;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** Decides whether a service can take a new connection now; may wake it first. */
public interface ConnectionGate {
  /** Completes when the service is ready for an upstream connection; fails to refuse the client. */
  CompletableFuture<Void> ready(UUID serviceId);
}
