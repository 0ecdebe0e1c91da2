package dev.chplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.PipeSpec;
import dev.chplane.domain.Service;
import dev.chplane.pipes.ClickPipes;
import dev.chplane.pipes.PipeCredentials;
import dev.chplane.service.ServiceOperations;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;


/** {@code .../services/{serviceId}/clickpipes}: Kafka ClickPipes and their state, scaling and settings. */
final class ClickPipesHandler {
  private static final String PIPES = ServicesHandler.SERVICE + "/clickpipes";
  private static final String PIPE = PIPES + "/{clickPipeId}";

  private final ServiceOperations services;
  private final ClickPipes pipes;
  private final Envelope envelope;

  ClickPipesHandler(ServiceOperations services, ClickPipes pipes, Envelope envelope) {
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
    envelope.ok(ctx, ClickPipeView.pipe(pipes.create(service, request.spec(), request.credentials())));
  }

  private void get(Context ctx) {
    envelope.ok(ctx, ClickPipeView.pipe(pipe(ctx)));
  }

  private void update(Context ctx) {
    ClickPipe current = pipe(ctx);
    JsonBody b = envelope.body(ctx);
    Optional<String> name = b.string("name", 1, 255);
    var mappings = b.isPresent("fieldMappings") && b.has("fieldMappings")
        ? Optional.of(ClickPipeRequests.fieldMappings(b, current.spec().destination())) : Optional.<java.util.List<PipeSpec.FieldMapping>>empty();
    var settings = b.object("settings").map(ClickPipeRequests::settings);
    Optional<String> sealed = Optional.empty();
    Optional<String> ca = Optional.empty();
    Optional<JsonBody> kafka = b.object("source").flatMap(s -> s.object("kafka"));
    if (kafka.isPresent()) {
      JsonBody k = kafka.get();
      Optional<JsonBody> credentials = k.object("credentials");
      String auth = current.spec().kafka().authentication();
      if (credentials.isPresent()) {
        if (auth == null) {
          throw k.bad("credentials", "this pipe uses no authentication");
        }
        sealed = Optional.of(pipes.seal(auth.equals("MUTUAL_TLS")
            ? new PipeCredentials(null, null, credentials.get().string("certificate").orElseThrow(() -> credentials.get().bad("certificate", "is required")),
                credentials.get().string("privateKey").orElseThrow(() -> credentials.get().bad("privateKey", "is required")))
            : new PipeCredentials(credentials.get().string("username").orElseThrow(() -> credentials.get().bad("username", "is required")),
                credentials.get().string("password").orElseThrow(() -> credentials.get().bad("password", "is required")), null, null)));
      }
      ca = k.string("caCertificate");
      k.oneOf("authentication", Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "IAM_ROLE", "IAM_USER", "MUTUAL_TLS"))
          .filter(a -> !a.equals(auth)).ifPresent(a -> {
            throw k.bad("authentication", "cannot be changed on an existing pipe; create a new one");
          });
    }
    if (b.object("destination").flatMap(d -> d.objects("columns", 1000)).isPresent()) {
      throw b.bad("destination", "changing the destination columns is not supported yet");
    }
    Optional<String> newCa = ca;
    Optional<String> newSecret = sealed;
    ClickPipe updated = pipes.update(current.serviceId(), current.id(), p -> {
      PipeSpec spec = p.spec();
      if (name.isPresent()) {
        spec = spec.withName(name.get());
      }
      if (mappings.isPresent()) {
        spec = spec.withFieldMappings(mappings.get());
      }
      if (settings.isPresent()) {
        spec = spec.withSettings(settings.get());
      }
      if (newCa.isPresent()) {
        PipeSpec.KafkaSource k = spec.kafka();
        spec = new PipeSpec(spec.name(), new PipeSpec.KafkaSource(k.type(), k.format(), k.brokers(), k.topics(),
            k.consumerGroup(), k.authentication(), k.offsetStrategy(), k.offsetTimestamp(), newCa.get()),
            spec.destination(), spec.fieldMappings(), spec.scaling(), spec.settings());
      }
      ClickPipe out = p.withSpec(spec, p.updatedAt());
      return newSecret.map(s -> out.withCredentials(s, Instant.now())).orElse(out);
    });
    envelope.ok(ctx, ClickPipeView.pipe(updated));
  }

  private void delete(Context ctx) {
    ClickPipe p = pipe(ctx);
    pipes.delete(p.serviceId(), p.id());
    envelope.ok(ctx, null);
  }

  private void scaling(Context ctx) {
    ClickPipe current = pipe(ctx);
    JsonBody b = envelope.body(ctx);
    PipeSpec.PipeScaling scaling = ClickPipeRequests.scaling(Optional.of(b), current.spec().scaling());
    ClickPipe updated = pipes.update(current.serviceId(), current.id(), p -> p.withSpec(p.spec().withScaling(scaling), p.updatedAt()));
    envelope.ok(ctx, ClickPipeView.pipe(updated));
  }

  private void state(Context ctx) {
    ClickPipe current = pipe(ctx);
    JsonBody b = envelope.body(ctx);
    String command = b.oneOf("command", Set.of("start", "stop", "resync"))
        .orElseThrow(() -> b.bad("command", "is required (start, stop or resync)"));
    if (command.equals("resync")) {
      throw ClickPipeRequests.unsupportedResync();
    }
    envelope.ok(ctx, ClickPipeView.pipe(pipes.changeState(current.serviceId(), current.id(), command)));
  }

  private void settings(Context ctx) {
    envelope.ok(ctx, ClickPipeView.settings(pipe(ctx).spec().settings()));
  }

  private void replaceSettings(Context ctx) {
    ClickPipe current = pipe(ctx);
    var settings = ClickPipeRequests.settings(envelope.body(ctx));
    ClickPipe updated = pipes.update(current.serviceId(), current.id(), p -> p.withSpec(p.spec().withSettings(settings), p.updatedAt()));
    envelope.ok(ctx, ClickPipeView.settings(updated.spec().settings()));
  }

}
