package dev.chplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.backup.BackupService;
import dev.chplane.domain.Backup;
import dev.chplane.service.ServiceOperations;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.UUID;

/** A service's backups: the list, newest first, and one backup. */
final class BackupsHandler {
  private static final String BACKUPS = ServicesHandler.SERVICE + "/backups";

  private final ServiceOperations services;
  private final BackupService backups;
  private final Envelope envelope;

  BackupsHandler(ServiceOperations services, BackupService backups, Envelope envelope) {
    this.services = services;
    this.backups = backups;
    this.envelope = envelope;
  }

  void register(ApiRoutes app) {
    app.get(BACKUPS, this::list);
    app.get(BACKUPS + "/{backupId}", this::get);
  }

  private void list(Context ctx) {
    UUID id = RequestContext.uuid(ctx, "serviceId");
    services.get(RequestContext.organization(ctx), id);
    ArrayNode result = JsonNodeFactory.instance.arrayNode();
    Instant now = Instant.now();
    backups.list(id).forEach(b -> result.add(view(b, now)));
    envelope.ok(ctx, result);
  }

  private void get(Context ctx) {
    UUID id = RequestContext.uuid(ctx, "serviceId");
    services.get(RequestContext.organization(ctx), id);
    UUID backupId = RequestContext.uuid(ctx, "backupId");
    Backup backup =
        backups.list(id).stream()
            .filter(b -> b.id().equals(backupId))
            .findFirst()
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "backup " + backupId + " does not exist for service " + id));
    envelope.ok(ctx, view(backup, Instant.now()));
  }

  static ObjectNode view(Backup b, Instant now) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("id", b.id().toString());
    out.put("status", b.status().wire());
    out.put("serviceId", b.serviceId().toString());
    out.put("startedAt", b.startedAt().toString());
    if (b.finishedAt() != null) {
      out.put("finishedAt", b.finishedAt().toString());
    }
    out.put("sizeInBytes", b.sizeInBytes());
    out.put("durationInSeconds", b.durationSeconds(now));
    out.put("type", b.type().wire());
    out.put("backupName", b.backupName());
    return out;
  }
}
