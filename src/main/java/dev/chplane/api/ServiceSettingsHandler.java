package dev.chplane.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.domain.CloudCatalog;
import dev.chplane.domain.Credentials;
import dev.chplane.domain.Service;
import dev.chplane.security.Hashes;
import dev.chplane.security.Secrets;
import dev.chplane.service.ServiceOperations;
import io.javalin.http.Context;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/** The sub-resources of a service: state, scaling, password, backup configuration and the rest. */
final class ServiceSettingsHandler {
  private static final String SERVICE = ServicesHandler.SERVICE;

  private final ServiceOperations services;
  private final Envelope envelope;
  private final ServiceView view;
  private final Secrets secrets;
  private final String installationId;
  private final ScalingRequests scaling = new ScalingRequests();

  ServiceSettingsHandler(
      ServiceOperations services,
      Envelope envelope,
      ServiceView view,
      Secrets secrets,
      String installationId) {
    this.services = services;
    this.envelope = envelope;
    this.view = view;
    this.secrets = secrets;
    this.installationId = installationId;
  }

  void register(ApiRoutes app) {
    app.patch(SERVICE + "/state", this::state);
    app.patch(SERVICE + "/scaling", ctx -> scaling(ctx, false));
    app.patch(SERVICE + "/replicaScaling", ctx -> scaling(ctx, true));
    app.patch(SERVICE + "/password", this::password);
    app.get(SERVICE + "/privateEndpointConfig", this::privateEndpointConfig);
    app.get(SERVICE + "/backupConfiguration", this::backupConfiguration);
    app.patch(SERVICE + "/backupConfiguration", this::updateBackupConfiguration);
  }

  private void state(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    UUID id = RequestContext.uuid(ctx, "serviceId");
    services.get(org, id);
    JsonBody body = envelope.body(ctx);
    String command =
        body.oneOf("command", CloudCatalog.STATE_COMMANDS)
            .orElseThrow(() -> body.bad("command", "is required (start, stop or awake)"));
    envelope.ok(
        ctx, view.service(services.changeState(RequestContext.actor(ctx), org, id, command)));
  }

  private void scaling(Context ctx, boolean replicaFields) {
    UUID org = RequestContext.organization(ctx);
    UUID id = RequestContext.uuid(ctx, "serviceId");
    services.get(org, id);
    JsonBody body = envelope.body(ctx);
    // checked once against the stored values so that a bad body changes nothing
    services.checkScaling(
        org, id, scaling.apply(body, services.get(org, id).spec().scaling(), replicaFields));
    Service updated =
        services.updateSpec(
            RequestContext.actor(ctx),
            org,
            id,
            spec -> spec.withScaling(scaling.apply(body, spec.scaling(), replicaFields)));
    envelope.ok(ctx, view.service(updated));
  }

  private void password(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    UUID id = RequestContext.uuid(ctx, "serviceId");
    services.get(org, id);
    JsonBody body = envelope.body(ctx);
    Optional<String> hash = body.string("newPasswordHash");
    Optional<String> doubleSha1 = body.string("newDoubleSha1Hash");
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    Credentials credentials;
    if (hash.isPresent()) {
      byte[] digest;
      try {
        digest = Base64.getDecoder().decode(hash.get());
      } catch (IllegalArgumentException e) {
        throw body.bad("newPasswordHash", "must be base64 of the SHA-256 of the password");
      }
      if (digest.length != 32) {
        throw body.bad(
            "newPasswordHash",
            "must be base64 of a 32-byte SHA-256 digest, got " + digest.length + " bytes");
      }
      if (doubleSha1.isPresent() && !doubleSha1.get().matches("[0-9a-fA-F]{40}")) {
        throw body.bad(
            "newDoubleSha1Hash", "must be 40 hex digits (SHA-1 of SHA-1 of the password)");
      }
      credentials =
          new Credentials(
              HexFormat.of().formatHex(digest), doubleSha1.map(String::toLowerCase).orElse(null));
    } else {
      // without a hash the double SHA-1 is ignored, as the official document says
      String password = secrets.password();
      credentials = new Credentials(Hashes.sha256Hex(password), Hashes.doubleSha1Hex(password));
      result.put("password", password);
    }
    services.updateCredentials(RequestContext.actor(ctx), org, id, credentials);
    envelope.ok(ctx, result);
  }

  private void privateEndpointConfig(Context ctx) {
    services.get(RequestContext.organization(ctx), RequestContext.uuid(ctx, "serviceId"));
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.put("endpointServiceId", "chplane-" + installationId);
    result.put("privateDnsHostname", view.advertiseHost());
    envelope.ok(ctx, result);
  }

  private void backupConfiguration(Context ctx) {
    Service s =
        services.get(RequestContext.organization(ctx), RequestContext.uuid(ctx, "serviceId"));
    envelope.ok(ctx, ServiceView.backupConfiguration(s.spec().backupConfiguration()));
  }

  private void updateBackupConfiguration(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    UUID id = RequestContext.uuid(ctx, "serviceId");
    services.get(org, id);
    var change = ServiceRequests.backupConfiguration(envelope.body(ctx));
    Service updated =
        services.updateSpec(
            RequestContext.actor(ctx),
            org,
            id,
            spec -> spec.withBackupConfiguration(change.apply(spec.backupConfiguration())));
    envelope.ok(ctx, ServiceView.backupConfiguration(updated.spec().backupConfiguration()));
  }
}
