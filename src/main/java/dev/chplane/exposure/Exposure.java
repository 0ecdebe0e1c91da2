package dev.chplane.exposure;

import java.util.UUID;

/**
 * Makes services reachable by their users: the public endpoints the API returns, each with its own
 * admission policy and bind address, leading to the service's replicas. The local implementation is
 * chplane's edge ({@code edge.EdgeServer}); others (a Kubernetes Service or load balancer) come
 * later. The reconciler is its only caller, at most one call per service at a time.
 */
public interface Exposure {

  /**
   * Exposes the service as described, in place of what was exposed for it before; idempotent. A
   * change of admission or upstreams applies to new connections at once.
   *
   * @throws ExposureException when an endpoint cannot be set up; endpoints that could stay exposed
   */
  void expose(ExposedService service) throws ExposureException;

  /** Removes the service's endpoints and closes their connections; a no-op if none are exposed. */
  void withdraw(UUID serviceId);
}
