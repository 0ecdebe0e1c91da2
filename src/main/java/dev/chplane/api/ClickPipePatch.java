package dev.chplane.api;

import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.KafkaCredentials;
import dev.chplane.domain.KafkaSource;
import dev.chplane.domain.PipeSpec;
import dev.chplane.domain.SourceCredentials;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Reads a ClickPipe PATCH ({@code ClickPipePatchRequest}): name, field mappings, settings, and of a
 * Kafka source its credentials and CA certificate. The authentication method and destination
 * columns cannot change (the current columns, sent again, are no change).
 */
final class ClickPipePatch {
  private static final Set<String> AUTHENTICATIONS =
      Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "IAM_ROLE", "IAM_USER", "MUTUAL_TLS");

  private ClickPipePatch() {}

  /**
   * Checks the body against the current pipe and returns the change; {@code seal} encrypts new
   * credentials.
   */
  static UnaryOperator<ClickPipe> read(
      JsonBody body, ClickPipe current, Function<SourceCredentials, String> seal) {
    // the fields the official ClickPipePatchRequest types nullable: null leaves them as they are
    JsonBody b =
        body.nullable(
            "name",
            "source",
            "destination",
            "settings",
            "source.kafka",
            "source.objectStorage",
            "source.kinesis",
            "source.pubsub",
            "source.mysql",
            "source.mongodb",
            "source.kafka.authentication",
            "source.kafka.iamRole",
            "source.kafka.caCertificate");
    Optional<String> name = b.text("name", 1, 255);
    Optional<List<PipeSpec.FieldMapping>> mappings =
        b.has("fieldMappings")
            ? Optional.of(ClickPipeRequests.fieldMappings(b, current.spec().destination()))
            : Optional.empty();
    var settings = b.object("settings").map(ClickPipeRequests::settings);
    // the Terraform provider sends the columns with every change of fieldMappings: the same ones
    // are no change
    b.object("destination")
        .ifPresent(
            d ->
                ClickPipeRequests.columns(d)
                    .filter(columns -> !columns.equals(current.spec().destination().columns()))
                    .ifPresent(
                        columns -> {
                          throw d.bad(
                              "columns",
                              "changing the destination columns is not supported yet; send the pipe's current"
                                  + " columns, in order, or leave them out");
                        }));
    Optional<String> sealed = Optional.empty();
    Optional<String> ca = Optional.empty();
    Optional<JsonBody> source = b.object("source");
    source.ifPresent(
        s -> {
          s.bool("validateSamples");
          for (String other : ClickPipeRequests.OTHER_SOURCES) {
            if (s.has(other)) {
              throw s.bad(other, "this is a Kafka pipe; only source.kafka can change");
            }
          }
        });
    // by the kind of the pipe's source (only Kafka so far): the others were refused above
    Optional<JsonBody> kafka =
        current.spec().source() instanceof KafkaSource
            ? source.flatMap(s -> s.object("kafka"))
            : Optional.empty();
    if (kafka.isPresent()) {
      JsonBody k = kafka.get();
      String auth = ((KafkaSource) current.spec().source()).authentication();
      k.oneOf("authentication", AUTHENTICATIONS)
          .filter(a -> !a.equals(auth))
          .ifPresent(
              a -> {
                throw k.bad(
                    "authentication", "cannot be changed on an existing pipe; create a new one");
              });
      k.string("iamRole");
      k.strings("reversePrivateEndpointIds", 100)
          .filter(l -> !l.isEmpty())
          .ifPresent(
              l -> {
                throw k.bad(
                    "reversePrivateEndpointIds", "private endpoints are cloud network resources");
              });
      Optional<JsonBody> credentials = k.object("credentials");
      if (credentials.isPresent()) {
        if (auth == null) {
          throw k.bad("credentials", "this pipe uses no authentication");
        }
        sealed = Optional.of(seal.apply(credentials(credentials.get(), auth)));
      }
      ca = k.string("caCertificate");
    }
    Optional<String> newCa = ca;
    Optional<String> newSecret = sealed;
    return p -> {
      PipeSpec spec = p.spec();
      spec = name.map(spec::withName).orElse(spec);
      spec = mappings.isPresent() ? spec.withFieldMappings(mappings.get()) : spec;
      spec = settings.isPresent() ? spec.withSettings(settings.get()) : spec;
      if (newCa.isPresent() && spec.source() instanceof KafkaSource k) {
        spec = spec.withSource(k.withCaCertificate(newCa.get()));
      }
      ClickPipe out = p.withSpec(spec, p.updatedAt());
      return newSecret.map(s -> out.withCredentials(s, Instant.now())).orElse(out);
    };
  }

  private static KafkaCredentials credentials(JsonBody c, String auth) {
    for (String field : KafkaSourceRequests.CREDENTIAL_FIELDS) {
      c.string(field);
    }
    if (auth.equals("MUTUAL_TLS")) {
      return new KafkaCredentials(
          null,
          null,
          c.string("certificate").orElseThrow(() -> c.bad("certificate", "is required")),
          c.string("privateKey").orElseThrow(() -> c.bad("privateKey", "is required")));
    }
    return new KafkaCredentials(
        c.string("username").orElseThrow(() -> c.bad("username", "is required")),
        c.string("password").orElseThrow(() -> c.bad("password", "is required")),
        null,
        null);
  }
}
