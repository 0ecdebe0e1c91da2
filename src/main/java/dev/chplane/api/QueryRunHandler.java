package dev.chplane.api;

import dev.chplane.domain.ApiKey;
import dev.chplane.service.ApiKeys;
import dev.chplane.service.QueryEndpoints;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code POST /service/{serviceId}/run?format=…} with {@code {"sql": "…"}}: runs SQL on a service
 * through its query endpoint, as ClickHouse Cloud serves it at {@code queries.clickhouse.cloud}.
 * Not part of the {@code /v1} document. Callers authenticate with an API key (HTTP Basic, as for
 * {@code /v1}) that the endpoint lists; ClickHouse's answer is streamed back unchanged.
 */
final class QueryRunHandler {
  static final String PATH = "/service/{serviceId}/run";
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9]+");
  private static final String DEFAULT_FORMAT = "JSONEachRow";

  private final QueryEndpoints endpoints;
  private final ApiKeyAuthenticator authenticator;
  private final ApiKeys keys;
  private final Envelope envelope;

  QueryRunHandler(
      QueryEndpoints endpoints,
      ApiKeyAuthenticator authenticator,
      ApiKeys keys,
      Envelope envelope) {
    this.endpoints = endpoints;
    this.authenticator = authenticator;
    this.keys = keys;
    this.envelope = envelope;
  }

  /** Registered on Javalin itself: these routes are not {@code /v1} operations. */
  void register(Javalin app) {
    app.post(PATH, this::run);
    app.options(PATH, this::preflight);
  }

  private void preflight(Context ctx) {
    Cors.preflight(ctx, endpoints.find(RequestContext.uuid(ctx, "serviceId")));
  }

  private void run(Context ctx) {
    UUID serviceId = RequestContext.uuid(ctx, "serviceId");
    // before anything can fail, so that a browser may read the error too
    Cors.allowOrigin(ctx, endpoints.find(serviceId));
    ApiKey key = authenticator.authenticate(ctx.header("Authorization"), ctx.ip());
    ctx.attribute(RequestContext.API_KEY, key);
    keys.markUsed(key, Instant.now());
    QueryEndpoints.Target target = endpoints.authorize(key, serviceId);
    String format = format(ctx);
    JsonBody body = envelope.body(ctx);
    String sql =
        body.string("sql").orElseThrow(() -> body.bad("sql", "is required (the SQL to run)"));
    if (sql.isBlank()) {
      throw body.bad("sql", "must not be empty");
    }
    QueryEndpoints.Answer answer = endpoints.run(target, sql, format);
    ctx.status(200);
    ctx.contentType(answer.contentType());
    ctx.result(answer.body());
  }

  private static String format(Context ctx) {
    String format = ctx.queryParam("format");
    if (format == null) {
      return DEFAULT_FORMAT;
    }
    if (!FORMAT.matcher(format).matches()) {
      throw ApiException.badRequest(
          "format: must be the name of a ClickHouse output format (letters and digits),"
              + " got '"
              + (format.length() > 60 ? format.substring(0, 60) + "..." : format)
              + "'");
    }
    return format;
  }
}
