package dev.chplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.domain.CloudCatalog;
import dev.chplane.domain.Organization;
import dev.chplane.service.Organizations;
import io.javalin.http.Context;
import java.util.UUID;

/** {@code GET /v1/organizations} and {@code GET/PATCH /v1/organizations/{organizationId}}. */
final class OrganizationsHandler {
  private final Organizations organizations;
  private final Envelope envelope;

  OrganizationsHandler(Organizations organizations, Envelope envelope) {
    this.organizations = organizations;
    this.envelope = envelope;
  }

  void register(ApiRoutes app) {
    app.get("/v1/organizations", this::list);
    app.get("/v1/organizations/{organizationId}", this::get);
    app.patch("/v1/organizations/{organizationId}", this::update);
  }

  private void update(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    organizations.get(org);
    JsonBody body = envelope.body(ctx);
    String name = body.text("name", 1, 255).orElse(null);
    Boolean coreDumps = body.bool("enableCoreDumps").orElse(null);
    body.object("privateEndpoints")
        .ifPresent(
            p -> {
              if (p.objects("add", 100).map(l -> !l.isEmpty()).orElse(false)) {
                throw body.bad(
                    "privateEndpoints",
                    "private endpoints are cloud network resources; a self-hosted"
                        + " installation has none to add");
              }
              // there is nothing to remove, but a malformed list is refused like any other field
              p.objects("remove", 100)
                  .ifPresent(
                      items ->
                          items.forEach(
                              item -> {
                                item.string("id", 1, 1024);
                                item.text("description", 0, 255);
                                item.oneOf("cloudProvider", CloudCatalog.PROVIDERS);
                                item.oneOf("region", CloudCatalog.REGIONS);
                              }));
            });
    envelope.ok(ctx, view(organizations.update(RequestContext.actor(ctx), org, name, coreDumps)));
  }

  private void list(Context ctx) {
    ArrayNode result = JsonNodeFactory.instance.arrayNode();
    result.add(view(organizations.get(RequestContext.key(ctx).organizationId())));
    envelope.ok(ctx, result);
  }

  private void get(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    envelope.ok(ctx, view(organizations.get(org)));
  }

  private static ObjectNode view(Organization o) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("id", o.id().toString());
    out.put("createdAt", o.createdAt().toString());
    out.put("name", o.name());
    out.putArray("privateEndpoints");
    out.putArray("byocConfig");
    out.put("enableCoreDumps", o.enableCoreDumps());
    return out;
  }
}
