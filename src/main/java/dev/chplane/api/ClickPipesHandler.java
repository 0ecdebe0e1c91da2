package dev.chplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.PipeSpec;
import dev.chplane.domain.Service;
import dev.chplane.pipes.ClickPipeService;
import dev.chplane.service.ServiceOperations;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.Set;

/**
 * {@code .../services/{serviceId}/clickpipes}: Kafka ClickPipes and their state, scaling and
 * settings.
 */
final class ClickPipesHandler {
  private static final String PIPES = ServicesHandler.SERVICE + "/clickpipes";
  private static final String PIPE = PIPES + "/{clickPipeId}";

  private final ServiceOperations services;
  private final ClickPipeService pipes;
  private final Envelope envelope;

  ClickPipesHandler(ServiceOperations services, ClickPipeService pipes, Envelope envelope) {
    this.services = services;
    this.pipes = pipes;
    this.envelope = envelope;
  }

  void register(ApiRoutes app) {
    app.get(PIPES, this::list);
    app.post(PIPES, this::create);
    app.get(PIPE, this::get);
    app.patch(PIPE, this::update);
    app.delete(PIPE, this::delete);
    app.patch(PIPE + "/scaling", this::scaling);
    app.patch(PIPE + "/state", this::state);
    app.get(PIPE + "/settings", this::settings);
    app.put(PIPE + "/settings", this::replaceSettings);
  }

  private Service service(Context ctx) {
    return services.get(RequestContext.organization(ctx), RequestContext.uuid(ctx, "serviceId"));
  }

  private ClickPipe pipe(Context ctx) {
    Service service = service(ctx);
    return pipes.get(service.id(), RequestContext.uuid(ctx, "clickPipeId"));
  }

  private void list(Context ctx) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    pipes.list(service(ctx).id()).forEach(p -> out.add(ClickPipeView.pipe(p)));
    envelope.ok(ctx, out);
  }

  private void create(Context ctx) {
    Service service = service(ctx);
    ClickPipeRequests.NewPipe request = ClickPipeRequests.create(envelope.body(ctx));
    envelope.ok(
        ctx, ClickPipeView.pipe(pipes.create(service, request.spec(), request.credentials())));
  }

  private void get(Context ctx) {
    envelope.ok(ctx, ClickPipeView.pipe(pipe(ctx)));
  }

  private void update(Context ctx) {
    ClickPipe current = pipe(ctx);
    var change = ClickPipePatch.read(envelope.body(ctx), current, pipes::seal);
    envelope.ok(ctx, ClickPipeView.pipe(pipes.update(current.serviceId(), current.id(), change)));
  }

  private void delete(Context ctx) {
    ClickPipe p = pipe(ctx);
    pipes.delete(p.serviceId(), p.id());
    envelope.ok(ctx, null);
  }

  private void scaling(Context ctx) {
    ClickPipe current = pipe(ctx);
    JsonBody b = envelope.body(ctx);
    // every field of ClickPipeScalingPatchRequest is nullable: null leaves it as it is
    JsonBody s = b.nullable("replicas", "concurrency", "replicaCpuMillicores", "replicaMemoryGb");
    PipeSpec.PipeScaling scaling =
        ClickPipeRequests.scaling(Optional.of(s), current.spec().scaling(), 34);
    ClickPipe updated =
        pipes.update(
            current.serviceId(),
            current.id(),
            p -> p.withSpec(p.spec().withScaling(scaling), p.updatedAt()));
    envelope.ok(ctx, ClickPipeView.pipe(updated));
  }

  private void state(Context ctx) {
    ClickPipe current = pipe(ctx);
    JsonBody b = envelope.body(ctx);
    String command =
        b.oneOf("command", Set.of("start", "stop", "resync"))
            .orElseThrow(() -> b.bad("command", "is required (start, stop or resync)"));
    if (command.equals("resync")) {
      throw ClickPipeRequests.unsupportedResync();
    }
    envelope.ok(
        ctx,
        ClickPipeView.pipe(
            pipes.changeState(
                RequestContext.actor(ctx), current.serviceId(), current.id(), command)));
  }

  private void settings(Context ctx) {
    envelope.ok(ctx, ClickPipeView.settings(pipe(ctx).spec().settings()));
  }

  private void replaceSettings(Context ctx) {
    ClickPipe current = pipe(ctx);
    var settings = ClickPipeRequests.settings(envelope.body(ctx));
    ClickPipe updated =
        pipes.update(
            current.serviceId(),
            current.id(),
            p -> p.withSpec(p.spec().withSettings(settings), p.updatedAt()));
    envelope.ok(ctx, ClickPipeView.settings(updated.spec().settings()));
  }
}
