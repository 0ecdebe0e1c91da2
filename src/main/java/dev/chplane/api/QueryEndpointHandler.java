package dev.chplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.domain.QueryEndpoint;
import dev.chplane.service.QueryEndpoints;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code GET/POST/DELETE …/services/{serviceId}/serviceQueryEndpoint}: POST is an idempotent
 * upsert.
 */
final class QueryEndpointHandler {
  private static final String PATH = ServicesHandler.SERVICE + "/serviceQueryEndpoint";
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /**
   * {@code *}, or a host with an optional scheme and port: {@code https://app.example.com:8443}.
   */
  private static final Pattern ORIGIN =
      Pattern.compile("\\*|([A-Za-z][A-Za-z0-9+.-]*://)?[A-Za-z0-9.-]+(:[0-9]{1,5})?");

  private static final int MAX_ORIGINS_LENGTH = 4096;

  private final QueryEndpoints endpoints;
  private final Envelope envelope;

  QueryEndpointHandler(QueryEndpoints endpoints, Envelope envelope) {
    this.endpoints = endpoints;
    this.envelope = envelope;
  }

  void register(ApiRoutes app) {
    app.get(PATH, this::get);
    app.post(PATH, this::upsert);
    app.delete(PATH, this::delete);
  }

  private void get(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    envelope.ok(ctx, view(endpoints.get(org, RequestContext.uuid(ctx, "serviceId"))));
  }

  private void upsert(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    UUID service = RequestContext.uuid(ctx, "serviceId");
    QueryEndpoints.Settings settings = settings(envelope.body(ctx));
    envelope.ok(ctx, view(endpoints.upsert(org, service, settings)));
  }

  private void delete(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    endpoints.delete(org, RequestContext.uuid(ctx, "serviceId"));
    envelope.ok(ctx, null);
  }

  /** Reads {@code InstanceServiceQueryApiEndpointsPostRequest}: roles and openApiKeys required. */
  static QueryEndpoints.Settings settings(JsonBody b) {
    List<String> roles = b.strings("roles", 10).orElseThrow(() -> b.bad("roles", "is required"));
    for (int i = 0; i < roles.size(); i++) {
      if (!QueryEndpoint.ROLES.contains(roles.get(i))) {
        throw ApiException.badRequest(
            "roles["
                + i
                + "]: must be one of sql_console_admin, sql_console_read_only, got '"
                + abbreviate(roles.get(i))
                + "'");
      }
    }
    if (roles.isEmpty()) {
      throw b.bad("roles", "must contain at least one role");
    }
    List<String> ids =
        b.strings("openApiKeys", 100).orElseThrow(() -> b.bad("openApiKeys", "is required"));
    List<UUID> keys = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (!UUID_TEXT.matcher(ids.get(i)).matches()) {
        throw ApiException.badRequest(
            "openApiKeys["
                + i
                + "]: must be the id (a UUID) of an API key, got '"
                + abbreviate(ids.get(i))
                + "'");
      }
      keys.add(UUID.fromString(ids.get(i)));
    }
    String origins = b.string("allowedOrigins", 0, MAX_ORIGINS_LENGTH).orElse("");
    for (String origin : QueryEndpoint.origins(origins)) {
      if (!ORIGIN.matcher(origin).matches()) {
        throw b.bad(
            "allowedOrigins",
            "'" + abbreviate(origin) + "' is not an origin (scheme://host[:port], host or *)");
      }
    }
    return new QueryEndpoints.Settings(
        List.copyOf(new LinkedHashSet<>(roles)), List.copyOf(new LinkedHashSet<>(keys)), origins);
  }

  static ObjectNode view(QueryEndpoint e) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("id", e.id().toString());
    ArrayNode roles = out.putArray("roles");
    e.roles().forEach(roles::add);
    ArrayNode keys = out.putArray("openApiKeys");
    e.openApiKeys().forEach(k -> keys.add(k.toString()));
    out.put("allowedOrigins", e.allowedOrigins());
    return out;
  }

  private static String abbreviate(String v) {
    return v.length() > 60 ? v.substring(0, 60) + "..." : v;
  }
}
