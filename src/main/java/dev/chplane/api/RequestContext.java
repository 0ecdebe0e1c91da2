package dev.chplane.api;

import dev.chplane.domain.Actor;
import dev.chplane.domain.ApiKey;
import io.javalin.http.Context;
import java.util.UUID;
import java.util.regex.Pattern;

/** Per-request values the handlers share: the request id, the calling key, checked path ids. */
final class RequestContext {
  static final String REQUEST_ID = "chplane.requestId";
  static final String API_KEY = "chplane.apiKey";
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private RequestContext() {}

  static String requestId(Context ctx) {
    String id = ctx.attribute(REQUEST_ID);
    if (id == null) {
      id = UUID.randomUUID().toString();
      ctx.attribute(REQUEST_ID, id);
    }
    return id;
  }

  static ApiKey key(Context ctx) {
    return ctx.attribute(API_KEY);
  }

  /** The caller as the activity log records it. */
  static Actor actor(Context ctx) {
    return Actor.api(key(ctx), ctx.ip(), ctx.userAgent());
  }

  /** The organization in the path, which must be the calling key's own; others reveal nothing. */
  static UUID organization(Context ctx) {
    UUID org = uuid(ctx, "organizationId");
    if (!org.equals(key(ctx).organizationId())) {
      throw new ApiException(
          ErrorCode.FORBIDDEN, "the API key has no access to organization " + org);
    }
    return org;
  }

  static UUID uuid(Context ctx, String param) {
    String value = ctx.pathParam(param);
    // checked as text first: UUID.fromString also takes '+f4c...' or misplaced dashes and maps them
    // to another id
    if (!UUID_TEXT.matcher(value).matches()) {
      throw ApiException.badRequest(
          param
              + ": must be a UUID, got '"
              + (value.length() > 60 ? value.substring(0, 60) + "..." : value)
              + "'");
    }
    return UUID.fromString(value);
  }
}
