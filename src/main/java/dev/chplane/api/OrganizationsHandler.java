package dev.chplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.domain.ApiException;
import dev.chplane.domain.CloudCatalog;
import dev.chplane.domain.Organization;
import dev.chplane.store.MetadataStore;
import io.javalin.http.Context;
import java.util.UUID;

/** {@code GET /v1/organizations} and {@code GET/PATCH /v1/organizations/{organizationId}}. */
final class OrganizationsHandler {
  private final MetadataStore store;
  private final Envelope envelope;

  OrganizationsHandler(MetadataStore store, Envelope envelope) {
    this.store = store;
    this.envelope = envelope;
  }

  void register(ApiRoutes app) {
    app.get("/v1/organizations", this::list);
    app.get("/v1/organizations/{organizationId}", this::get);
    app.patch("/v1/organizations/{organizationId}", this::update);
  }

  private void update(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    Organization current = store.findOrganization(org)
        .orElseThrow(() -> ApiException.notFound("organization " + org + " does not exist"));
    JsonBody body = envelope.body(ctx);
    String name = body.string("name", 1, 255).orElse(current.name());
    boolean coreDumps = body.bool("enableCoreDumps").orElse(current.enableCoreDumps());
    body.object("privateEndpoints").ifPresent(p -> {
      if (p.objects("add", 100).map(l -> !l.isEmpty()).orElse(false)) {
        throw body.bad("privateEndpoints", "private endpoints are cloud network resources; a self-hosted"
            + " installation has none to add");
      }
      // there is nothing to remove, but a malformed list is refused like any other field
      p.objects("remove", 100).ifPresent(items -> items.forEach(item -> {
        item.string("id", 1, 1024);
        item.string("description", 0, 255);
        item.oneOf("cloudProvider", CloudCatalog.PROVIDERS);
        item.oneOf("region", CloudCatalog.REGIONS);
      }));
    });
    Organization updated = new Organization(org, name, current.createdAt(), coreDumps);
    store.updateOrganization(updated);
    envelope.ok(ctx, view(updated));
  }

  private void list(Context ctx) {
    ArrayNode result = JsonNodeFactory.instance.arrayNode();
    store.findOrganization(RequestContext.key(ctx).organizationId()).ifPresent(o -> result.add(view(o)));
    envelope.ok(ctx, result);
  }

  private void get(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    envelope.ok(ctx, view(store.findOrganization(org)
        .orElseThrow(() -> ApiException.notFound("organization " + org + " does not exist"))));
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
