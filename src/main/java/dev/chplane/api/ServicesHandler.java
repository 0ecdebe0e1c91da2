package dev.chplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.disk.DiskSpace;
import dev.chplane.domain.ServiceSpec;
import dev.chplane.service.ServiceOperations;
import io.javalin.http.Context;
import java.util.UUID;

/** The services collection and one service: list, create, read, update, delete. */
final class ServicesHandler {
  static final String SERVICES = "/v1/organizations/{organizationId}/services";
  static final String SERVICE = SERVICES + "/{serviceId}";

  private final ServiceOperations services;
  private final Envelope envelope;
  private final ServiceView view;
  private final MysqlSupport mysql;
  private final ScalingRequests scaling = new ScalingRequests();
  private final DiskSpace disk;

  ServicesHandler(
      ServiceOperations services,
      Envelope envelope,
      ServiceView view,
      MysqlSupport mysql,
      DiskSpace disk) {
    this.services = services;
    this.envelope = envelope;
    this.view = view;
    this.mysql = mysql;
    this.disk = disk;
  }

  void register(ApiRoutes app) {
    app.get(SERVICES, this::list);
    app.post(SERVICES, this::create);
    app.get(SERVICE, this::get);
    app.patch(SERVICE, this::update);
    app.delete(SERVICE, this::delete);
  }

  private void list(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    TagFilter filter = TagFilter.parse(ctx.queryParams("filter"));
    ArrayNode result = JsonNodeFactory.instance.arrayNode();
    services.list(org).stream()
        .filter(s -> filter.matches(s.spec().tags()))
        .forEach(s -> result.add(view.service(s)));
    envelope.ok(ctx, result);
  }

  private void create(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    ServiceSpec spec = ServiceRequests.create(envelope.body(ctx), scaling, mysql);
    disk.requireRoomForNewService();
    ServiceOperations.Created created = services.create(RequestContext.actor(ctx), org, spec);
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.set("service", view.service(created.service()));
    result.put("password", created.password());
    envelope.ok(ctx, result);
  }

  private void get(Context ctx) {
    envelope.ok(
        ctx,
        view.service(
            services.get(RequestContext.organization(ctx), RequestContext.uuid(ctx, "serviceId"))));
  }

  private void update(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    UUID id = RequestContext.uuid(ctx, "serviceId");
    services.get(org, id);
    var change = ServiceRequests.patch(envelope.body(ctx), mysql);
    envelope.ok(ctx, view.service(services.updateSpec(RequestContext.actor(ctx), org, id, change)));
  }

  private void delete(Context ctx) {
    services.delete(
        RequestContext.actor(ctx),
        RequestContext.organization(ctx),
        RequestContext.uuid(ctx, "serviceId"));
    envelope.ok(ctx, null);
  }
}
