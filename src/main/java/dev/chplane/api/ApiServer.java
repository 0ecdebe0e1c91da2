package dev.chplane.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.domain.ApiException;
import dev.chplane.domain.ErrorCode;
import dev.chplane.provision.ServerVersion;
import dev.chplane.security.Secrets;
import dev.chplane.service.ServiceOperations;
import dev.chplane.store.MetadataStore;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API: Basic-auth on every {@code /v1} route, the official envelopes, and one mapping from
 * exceptions to error bodies. Request bodies are never logged (they can hold secrets).
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private final Javalin app;

  /** Everything the API needs from the rest of chplane. */
  public record Dependencies(MetadataStore store, ServiceOperations services, Secrets secrets,
      ServerVersion clickhouseVersion, String advertiseHost, String installationId) {}

  public ApiServer(Dependencies deps) {
    ObjectMapper mapper = new ObjectMapper();
    Envelope envelope = new Envelope(mapper);
    ApiKeyAuthenticator authenticator = new ApiKeyAuthenticator(deps.store(), Clock.systemUTC());
    ServiceView view = new ServiceView(deps.advertiseHost());
    MysqlSupport mysql = new MysqlSupport(deps.clickhouseVersion());

    app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.router.ignoreTrailingSlashes = true;
      config.http.maxRequestSize = 4L * 1024 * 1024;
    });
    app.before("/v1/*", ctx -> ctx.attribute(RequestContext.API_KEY,
        authenticator.authenticate(ctx.header("Authorization"))));
    app.before("/v1", ctx -> ctx.attribute(RequestContext.API_KEY,
        authenticator.authenticate(ctx.header("Authorization"))));
    app.get("/health", ctx -> ctx.json(java.util.Map.of("status", "ok")));
    new OrganizationsHandler(deps.store(), envelope).register(app);
    new ServicesHandler(deps.services(), envelope, view, mysql).register(app);
    new ServiceSettingsHandler(deps.services(), envelope, view, deps.secrets(), deps.installationId()).register(app);

    app.exception(ApiException.class, (e, ctx) -> {
      log.debug("{} {} -> {} {}", ctx.method(), ctx.path(), e.code(), e.getMessage());
      envelope.error(ctx, e.code(), e.getMessage());
    });
    app.exception(Exception.class, (e, ctx) -> {
      log.error("{} {} failed (request {})", ctx.method(), ctx.path(), RequestContext.requestId(ctx), e);
      envelope.error(ctx, ErrorCode.INTERNAL_ERROR, "chplane could not complete the request; see its log for request "
          + RequestContext.requestId(ctx));
    });
    app.error(404, ctx -> unmatched(ctx, envelope));
    app.error(405, ctx -> unmatched(ctx, envelope));
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
