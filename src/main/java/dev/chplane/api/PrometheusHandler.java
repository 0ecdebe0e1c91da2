package dev.chplane.api;

import dev.chplane.metrics.PrometheusMetrics;
import dev.chplane.metrics.PrometheusText;
import dev.chplane.service.ServiceOperations;
import io.javalin.http.Context;
import java.util.UUID;

/**
 * {@code GET .../prometheus} of an organization and of one service: metrics in the Prometheus text
 * format (errors stay in the JSON error envelope).
 */
final class PrometheusHandler {
  private final ServiceOperations services;
  private final PrometheusMetrics metrics;

  PrometheusHandler(ServiceOperations services, PrometheusMetrics metrics) {
    this.services = services;
    this.metrics = metrics;
  }

  void register(ApiRoutes app) {
    app.get(ServicesHandler.SERVICE + "/prometheus", this::service);
    app.get("/v1/organizations/{organizationId}/prometheus", this::organization);
  }

  private void service(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    var service = services.get(org, RequestContext.uuid(ctx, "serviceId"));
    write(ctx, metrics.service(service, filtered(ctx)));
  }

  private void organization(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    write(ctx, metrics.organization(services.list(org), filtered(ctx)));
  }

  /** {@code filtered_metrics}: absent, {@code true} or {@code false}. */
  private static boolean filtered(Context ctx) {
    String value = ctx.queryParam("filtered_metrics");
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw ApiException.badRequest(
        "filtered_metrics: must be true or false, got '"
            + (value.length() > 60 ? value.substring(0, 60) + "..." : value)
            + "'");
  }

  private static void write(Context ctx, String text) {
    ctx.attribute(Envelope.HANDLED, Boolean.TRUE);
    ctx.status(200).contentType(PrometheusText.CONTENT_TYPE).result(text);
  }
}
