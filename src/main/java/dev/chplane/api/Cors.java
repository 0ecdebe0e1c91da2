package dev.chplane.api;

import dev.chplane.domain.QueryEndpoint;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * CORS for the query run endpoint, driven by the endpoint's {@code allowedOrigins}: a request whose
 * {@code Origin} is allowed gets it back in {@code Access-Control-Allow-Origin}; any other request
 * gets no CORS headers at all (so a browser refuses the answer).
 */
final class Cors {
  private Cors() {}

  /**
   * Adds {@code Access-Control-Allow-Origin} when the request's origin is allowed; true if it did.
   */
  static boolean allowOrigin(Context ctx, Optional<QueryEndpoint> endpoint) {
    String origin = ctx.header("Origin");
    ctx.header("Vary", "Origin");
    if (endpoint.isEmpty() || !endpoint.get().allowsOrigin(origin)) {
      return false;
    }
    ctx.header("Access-Control-Allow-Origin", origin);
    return true;
  }

  /** Answers a preflight: 204, with the allow headers only when the origin is allowed. */
  static void preflight(Context ctx, Optional<QueryEndpoint> endpoint) {
    if (allowOrigin(ctx, endpoint)) {
      ctx.header("Access-Control-Allow-Methods", "POST");
      ctx.header("Access-Control-Allow-Headers", "Authorization, Content-Type");
      ctx.header("Access-Control-Max-Age", "600");
    }
    ctx.status(204);
  }
}
