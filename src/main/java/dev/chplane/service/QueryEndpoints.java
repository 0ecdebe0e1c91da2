package dev.chplane.service;

import dev.chplane.domain.ApiKey;
import dev.chplane.domain.DomainException;
import dev.chplane.domain.QueryEndpoint;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServiceState;
import dev.chplane.exposure.ConnectionGate;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.QueryResponse;
import dev.chplane.provision.QueryUser;
import dev.chplane.provision.ServiceConnector;
import dev.chplane.store.MetadataStore;
import dev.chplane.store.StoreException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The query endpoint use cases: read, upsert and delete a service's endpoint, and run SQL through
 * it as the service's query user of the endpoint's role ({@link QueryUser#READ_ONLY}, read-only and
 * limited, unless it has {@code sql_console_admin}), never as chplane's internal user. No official
 * activity type describes endpoint changes, so none is recorded.
 */
public final class QueryEndpoints {
  // enough of ClickHouse's refusal to explain it, not a whole error dump
  private static final int MAX_ERROR_BYTES = 64 * 1024;

  private final MetadataStore store;
  private final ServiceOperations services;
  private final ServiceConnector servers;
  private final ConnectionGate gate;

  public QueryEndpoints(
      MetadataStore store,
      ServiceOperations services,
      ServiceConnector servers,
      ConnectionGate gate) {
    this.store = store;
    this.services = services;
    this.servers = servers;
    this.gate = gate;
  }

  /** What a client asks for: roles, key resource ids and the origins exactly as sent. */
  public record Settings(List<String> roles, List<UUID> openApiKeys, String allowedOrigins) {}

  /** A service and its endpoint, checked for one caller; what {@link #run} needs. */
  public record Target(Service service, QueryEndpoint endpoint) {}

  public QueryEndpoint get(UUID organizationId, UUID serviceId) {
    services.get(organizationId, serviceId);
    return store
        .findQueryEndpoint(serviceId)
        .orElseThrow(
            () -> DomainException.notFound("service " + serviceId + " has no query endpoint"));
  }

  /** The endpoint of a service, unchecked: only for answering CORS preflights. */
  public Optional<QueryEndpoint> find(UUID serviceId) {
    return store.findQueryEndpoint(serviceId);
  }

  /** Creates the endpoint or replaces its settings; the id stays the same across upserts. */
  public QueryEndpoint upsert(UUID organizationId, UUID serviceId, Settings settings) {
    services.get(organizationId, serviceId);
    Set<UUID> known =
        store.listApiKeys(organizationId).stream().map(ApiKey::id).collect(Collectors.toSet());
    for (int i = 0; i < settings.openApiKeys().size(); i++) {
      UUID id = settings.openApiKeys().get(i);
      if (!known.contains(id)) {
        throw DomainException.invalidInput(
            "openApiKeys["
                + i
                + "]: no API key with id "
                + id
                + " in organization "
                + organizationId);
      }
    }
    try {
      return write(organizationId, serviceId, settings);
    } catch (StoreException e) {
      // two first upserts at once: the second insert hit the unique service id; it is an update now
      return write(organizationId, serviceId, settings);
    }
  }

  private QueryEndpoint write(UUID organizationId, UUID serviceId, Settings s) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    QueryEndpoint endpoint =
        store
            .findQueryEndpoint(serviceId)
            .map(e -> e.withSettings(s.roles(), s.openApiKeys(), s.allowedOrigins(), now))
            .orElseGet(
                () ->
                    new QueryEndpoint(
                        UUID.randomUUID(),
                        organizationId,
                        serviceId,
                        s.roles(),
                        s.openApiKeys(),
                        s.allowedOrigins(),
                        now,
                        now));
    store.inTransaction(
        tx -> {
          tx.upsertQueryEndpoint(endpoint);
          return null;
        });
    return store.findQueryEndpoint(serviceId).orElse(endpoint);
  }

  public void delete(UUID organizationId, UUID serviceId) {
    services.get(organizationId, serviceId);
    boolean deleted = store.inTransaction(tx -> tx.deleteQueryEndpoint(serviceId));
    if (!deleted) {
      throw DomainException.notFound("service " + serviceId + " has no query endpoint");
    }
  }

  /**
   * Checks that {@code key} may run queries on the service: the service is in the key's
   * organization and has an endpoint (else 404), and the endpoint lists the key (else 403).
   */
  public Target authorize(ApiKey key, UUID serviceId) {
    Service service = services.get(key.organizationId(), serviceId);
    QueryEndpoint endpoint =
        store
            .findQueryEndpoint(serviceId)
            .orElseThrow(
                () -> DomainException.notFound("service " + serviceId + " has no query endpoint"));
    if (!endpoint.allowsKey(key.id())) {
      throw DomainException.notPermitted(
          "the query endpoint of service "
              + serviceId
              + " does not list this API key in openApiKeys");
    }
    return new Target(service, endpoint);
  }

  /**
   * ClickHouse's accepted answer to a query, not read yet: the caller streams and closes {@code
   * body}.
   */
  public record Answer(String contentType, InputStream body) {}

  /**
   * Runs {@code sql} on a running service with {@code format} as the default output format, read
   * only unless the endpoint has {@code sql_console_admin}. A query that ClickHouse refuses is
   * invalid input, with (the start of) ClickHouse's message.
   */
  public Answer run(Target target, String sql, String format) {
    Service service = store.findService(target.service().id()).orElse(target.service());
    if (service.wakeable()
        || service.state() == ServiceState.AWAKING
        || service.state().servesQueries()) {
      // counts as use (keeps the service awake); an idle service wakes for it, as for a connection
      try {
        gate.ready(service.id()).get(90, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw DomainException.unavailable("the idle service did not wake: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw DomainException.unavailable("interrupted while waking the service");
      }
      service = store.findService(service.id()).orElse(service);
    }
    if (!service.servesQueries()) {
      throw DomainException.unavailable(
          "queries run only on a running service." + " Current state: " + service.state().wire());
    }
    // the role is the user's profile (readonly=1 and the limits for read-only), not a setting of
    // the call
    QueryUser user = target.endpoint().readOnly() ? QueryUser.READ_ONLY : QueryUser.ADMIN;
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("default_format", format);
    QueryResponse response;
    try {
      response = servers.access(service.id()).stream(user, sql, settings);
    } catch (ProvisionException e) {
      throw DomainException.unavailable("the service did not answer: " + e.getMessage());
    }
    if (!response.ok()) {
      throw DomainException.invalidInput(
          "ClickHouse refused the query (HTTP "
              + response.status()
              + "): "
              + response.text(MAX_ERROR_BYTES));
    }
    return new Answer(response.contentType(), response.body());
  }
}
