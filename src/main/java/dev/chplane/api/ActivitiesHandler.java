package dev.chplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.domain.Activity;
import dev.chplane.service.Activities;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * The organization's activity log: read-only, newest first, filtered by {@code from_date}/{@code
 * to_date}.
 */
final class ActivitiesHandler {
  private static final String ACTIVITIES = "/v1/organizations/{organizationId}/activities";

  private final Activities activities;
  private final Envelope envelope;

  ActivitiesHandler(Activities activities, Envelope envelope) {
    this.activities = activities;
    this.envelope = envelope;
  }

  void register(ApiRoutes app) {
    app.get(ACTIVITIES, this::list);
    app.get(ACTIVITIES + "/{activityId}", this::get);
  }

  private void list(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    Instant from = date(ctx, "from_date");
    Instant to = date(ctx, "to_date");
    if (from != null && to != null && from.isAfter(to)) {
      throw ApiException.badRequest("from_date: must not be after to_date");
    }
    ArrayNode result = JsonNodeFactory.instance.arrayNode();
    activities.list(org, from, to).forEach(a -> result.add(view(a)));
    envelope.ok(ctx, result);
  }

  private void get(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    String id = ctx.pathParam("activityId");
    UUID parsed;
    try {
      parsed = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound(
          "activity '" + (id.length() > 60 ? id.substring(0, 60) : id) + "' does not exist");
    }
    envelope.ok(
        ctx,
        view(
            activities
                .find(org, parsed)
                .orElseThrow(() -> ApiException.notFound("activity " + id + " does not exist"))));
  }

  private static Instant date(Context ctx, String param) {
    String value = ctx.queryParam(param);
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          param
              + ": must be an ISO-8601 date-time such as 2026-01-31T00:00:00Z, got '"
              + value
              + "'");
    }
  }

  static ObjectNode view(Activity a) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("id", a.id().toString());
    out.put("createdAt", a.createdAt().toString());
    out.put("type", a.type().wire());
    out.put("actorType", a.actorType());
    putIfSet(out, "actorId", a.actorId());
    putIfSet(out, "actorDetails", a.actorDetails());
    putIfSet(out, "actorIpAddress", a.actorIpAddress());
    out.put("organizationId", a.organizationId().toString());
    putIfSet(out, "serviceId", a.serviceId() == null ? null : a.serviceId().toString());
    putIfSet(out, "userAgent", a.userAgent());
    putIfSet(out, "targetKeyId", a.targetKeyId() == null ? null : a.targetKeyId().toString());
    putIfSet(out, "keyUpdateType", a.keyUpdateType());
    return out;
  }

  private static void putIfSet(ObjectNode out, String field, String value) {
    if (value != null) {
      out.put(field, value);
    }
  }
}
