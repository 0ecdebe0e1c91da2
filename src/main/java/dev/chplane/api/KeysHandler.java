package dev.chplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.domain.ApiKey;
import dev.chplane.domain.IpAccessEntry;
import dev.chplane.service.ApiKeys;
import io.javalin.http.Context;
import java.util.UUID;

/** {@code /v1/organizations/{organizationId}/keys}: list, create, read, update, delete API keys. */
final class KeysHandler {
  private static final String KEYS = "/v1/organizations/{organizationId}/keys";
  private static final String KEY = KEYS + "/{keyId}";

  private final ApiKeys keys;
  private final Envelope envelope;

  KeysHandler(ApiKeys keys, Envelope envelope) {
    this.keys = keys;
    this.envelope = envelope;
  }

  void register(ApiRoutes app) {
    app.get(KEYS, this::list);
    app.post(KEYS, this::create);
    app.get(KEY, this::get);
    app.patch(KEY, this::update);
    app.delete(KEY, this::delete);
  }

  private void list(Context ctx) {
    ArrayNode result = JsonNodeFactory.instance.arrayNode();
    keys.list(RequestContext.organization(ctx)).forEach(k -> result.add(view(k)));
    envelope.ok(ctx, result);
  }

  private void create(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    ApiKeys.Created created =
        keys.create(RequestContext.actor(ctx), org, KeyRequests.create(envelope.body(ctx)));
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.set("key", view(created.key()));
    if (created.keyId() != null) {
      result.put("keyId", created.keyId());
      result.put("keySecret", created.keySecret());
    }
    envelope.ok(ctx, result);
  }

  private void get(Context ctx) {
    envelope.ok(
        ctx, view(keys.get(RequestContext.organization(ctx), RequestContext.uuid(ctx, "keyId"))));
  }

  private void update(Context ctx) {
    UUID org = RequestContext.organization(ctx);
    UUID id = RequestContext.uuid(ctx, "keyId");
    keys.get(org, id);
    var change = KeyRequests.patch(envelope.body(ctx));
    envelope.ok(ctx, view(keys.update(RequestContext.actor(ctx), org, id, change)));
  }

  private void delete(Context ctx) {
    keys.delete(
        RequestContext.actor(ctx),
        RequestContext.organization(ctx),
        RequestContext.uuid(ctx, "keyId"),
        RequestContext.key(ctx));
    envelope.ok(ctx, null);
  }

  static ObjectNode view(ApiKey k) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("id", k.id().toString());
    out.put("name", k.name());
    out.put("state", k.state());
    ArrayNode roles = out.putArray("roles");
    k.roles().forEach(roles::add);
    SystemRoles.write(out.putArray("assignedRoles"), k.roles());
    out.put("keySuffix", k.keySuffix());
    out.put("createdAt", k.createdAt().toString());
    if (k.expireAt() != null) {
      out.put("expireAt", k.expireAt().toString());
    }
    if (k.usedAt() != null) {
      out.put("usedAt", k.usedAt().toString());
    }
    ArrayNode ips = out.putArray("ipAccessList");
    for (IpAccessEntry e : k.ipAccessList()) {
      ips.add(ServiceView.ipEntry(e));
    }
    return out;
  }
}
