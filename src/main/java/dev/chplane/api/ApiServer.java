package dev.chplane.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.backup.BackupService;
import dev.chplane.disk.DiskSpace;
import dev.chplane.domain.ApiKey;
import dev.chplane.domain.DomainException;
import dev.chplane.json.JsonMappers;
import dev.chplane.metrics.PrometheusMetrics;
import dev.chplane.pipes.ClickPipeService;
import dev.chplane.security.Secrets;
import dev.chplane.service.Activities;
import dev.chplane.service.ApiKeys;
import dev.chplane.service.Organizations;
import dev.chplane.service.QueryEndpoints;
import dev.chplane.service.ServiceOperations;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API: Basic-auth on every {@code /v1} route, the official envelopes, and one mapping from
 * exceptions to error bodies. Request bodies are never logged (they can hold secrets).
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private final Javalin app;

  /**
   * Everything the API needs from the rest of chplane: use cases only, never the store or the
   * provisioner. {@code mysqlProtocol} says whether the installation's ClickHouse ({@code
   * clickhouseVersion}) serves the MySQL endpoint.
   */
  public record Dependencies(
      Organizations organizations,
      Activities activities,
      ServiceOperations services,
      ApiKeys keys,
      BackupService backups,
      ClickPipeService pipes,
      QueryEndpoints queryEndpoints,
      PrometheusMetrics metrics,
      Secrets secrets,
      boolean mysqlProtocol,
      String clickhouseVersion,
      String advertiseHost,
      String installationId,
      DiskSpace disk) {}

  public ApiServer(Dependencies deps) {
    ObjectMapper mapper = JsonMappers.strict();
    Envelope envelope = new Envelope(mapper);
    ApiKeyAuthenticator authenticator = new ApiKeyAuthenticator(deps.keys(), Clock.systemUTC());
    ServiceView view = new ServiceView(deps.advertiseHost());
    MysqlSupport mysql = new MysqlSupport(deps.mysqlProtocol(), deps.clickhouseVersion());

    app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.router.ignoreTrailingSlashes = true;
              config.http.maxRequestSize = Envelope.MAX_BODY_BYTES;
              config.jetty.modifyServer(
                  server -> server.setErrorHandler(new JsonErrorHandler(mapper)));
            });
    app.before("/v1/*", ctx -> authorize(ctx, authenticator, deps.keys()));
    app.before("/v1", ctx -> authorize(ctx, authenticator, deps.keys()));
    app.get("/health", ctx -> ctx.json(java.util.Map.of("status", "ok")));
    ApiRoutes routes = new ApiRoutes(app);
    new OrganizationsHandler(deps.organizations(), envelope).register(routes);
    new ActivitiesHandler(deps.activities(), envelope).register(routes);
    new BackupsHandler(deps.services(), deps.backups(), envelope).register(routes);
    new ClickPipesHandler(deps.services(), deps.pipes(), envelope).register(routes);
    new KeysHandler(deps.keys(), envelope).register(routes);
    new PrometheusHandler(deps.services(), deps.metrics()).register(routes);
    new ServicesHandler(deps.services(), envelope, view, mysql, deps.disk()).register(routes);
    new ServiceSettingsHandler(
            deps.services(), envelope, view, deps.secrets(), deps.installationId())
        .register(routes);
    new QueryEndpointHandler(deps.queryEndpoints(), envelope).register(routes);
    new QueryRunHandler(deps.queryEndpoints(), authenticator, deps.keys(), envelope).register(app);
    String openApi = OpenApiDocument.build(mapper, routes.operations());
    app.get("/v1", ctx -> ctx.contentType("application/json").result(openApi));

    app.exception(
        DomainException.class,
        (e, ctx) -> {
          ApiException mapped = ApiException.from(e);
          log.debug("{} {} -> {} {}", ctx.method(), ctx.path(), mapped.code(), mapped.getMessage());
          envelope.error(ctx, mapped.code(), mapped.getMessage());
        });
    app.exception(
        ApiException.class,
        (e, ctx) -> {
          log.debug("{} {} -> {} {}", ctx.method(), ctx.path(), e.code(), e.getMessage());
          envelope.error(ctx, e.code(), e.getMessage());
        });
    app.exception(
        Exception.class,
        (e, ctx) -> {
          if (deps.disk().explains(e)) {
            ApiException full = ApiException.from(deps.disk().full());
            log.error(
                "{} {} failed (request {}): {}",
                ctx.method(),
                ctx.path(),
                RequestContext.requestId(ctx),
                full.getMessage());
            envelope.error(ctx, full.code(), full.getMessage());
            return;
          }
          log.error(
              "{} {} failed (request {})",
              ctx.method(),
              ctx.path(),
              RequestContext.requestId(ctx),
              e);
          envelope.error(
              ctx,
              ErrorCode.INTERNAL_ERROR,
              "chplane could not complete the request; see its log for request "
                  + RequestContext.requestId(ctx));
        });
    app.error(404, ctx -> unmatched(ctx, envelope));
    app.error(405, ctx -> unmatched(ctx, envelope));
  }

  /**
   * Authenticates the caller and applies its role: {@code admin} may do everything, {@code
   * developer} may only read, {@code query_endpoints} may only use query endpoints, i.e. {@code
   * POST /service/{id}/run} ({@link QueryRunHandler}, outside {@code /v1}), so it gets 403 on every
   * {@code /v1} route.
   */
  private static void authorize(Context ctx, ApiKeyAuthenticator authenticator, ApiKeys keys) {
    ApiKey key = authenticator.authenticate(ctx.header("Authorization"), ctx.ip());
    ctx.attribute(RequestContext.API_KEY, key);
    keys.markUsed(key, Instant.now());
    if (key.hasRole(ApiKey.ADMIN)) {
      return;
    }
    if (key.hasRole(ApiKey.DEVELOPER) && ctx.method() == HandlerType.GET) {
      return;
    }
    throw new ApiException(
        ErrorCode.FORBIDDEN,
        key.hasRole(ApiKey.DEVELOPER)
            ? "a developer key may only read; " + ctx.method() + " needs an admin key"
            : "this key's roles "
                + key.roles()
                + " do not allow "
                + ctx.method()
                + " "
                + ctx.path()
                + " (a query_endpoints key may only run queries through a service's query endpoint)");
  }

  private static void unmatched(Context ctx, Envelope envelope) {
    if (ctx.attribute(Envelope.HANDLED) == null) {
      envelope.error(ctx, ErrorCode.NOT_FOUND, "no operation " + ctx.method() + " " + ctx.path());
    }
  }

  public ApiServer start(String host, int port) {
    app.start(host, port);
    return this;
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
