package dev.chplane.exposure;

import java.util.UUID;

/**
 * Makes services reachable by their users: the public endpoints the API returns, each with its own
 * admission policy and bind address, leading to the service's replicas. New connections are spread
 * over the replicas given as upstreams, and a connection that a replica does not take (refused,
 * reset or timed out before the server answered) is failed over to another, so that a dead replica
 * costs a client nothing as long as one upstream answers. The local implementation is chplane's
 * edge ({@code edge.EdgeServer}); others (a Kubernetes Service or load balancer) come later. The
 * reconciler is its only caller, at most one call per service at a time.
 */
public interface Exposure {

  /**
   * Exposes the service as described, in place of what was exposed for it before; idempotent. A
   * change of admission or upstreams applies to new connections at once; connections already open
   * to a replica that is no longer an upstream are not cut.
   *
   * @throws ExposureException when an endpoint cannot be set up; endpoints that could stay exposed
   */
  void expose(ExposedService service) throws ExposureException;

  /** Removes the service's endpoints and closes their connections; a no-op if none are exposed. */
  void withdraw(UUID serviceId);
}
