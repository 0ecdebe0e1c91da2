package dev.chplane.pipes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.domain.Activity;
import dev.chplane.domain.ActivityType;
import dev.chplane.domain.Actor;
import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.DesiredState;
import dev.chplane.domain.DomainException;
import dev.chplane.domain.PipeSpec;
import dev.chplane.domain.PipeState;
import dev.chplane.domain.Service;
import dev.chplane.domain.SourceCredentials;
import dev.chplane.json.JsonMappers;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.ReplicatedTables;
import dev.chplane.provision.ServerVersion;
import dev.chplane.provision.Sql;
import dev.chplane.store.MetadataStore;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The ClickPipe use cases: create (with the destination table checked or created on the service),
 * read, change, scale, start/stop and delete. The {@link PipeSupervisor} acts on what is stored.
 */
public final class ClickPipeService {
  private final MetadataStore store;
  private final PipeServers servers;
  private final PipeSecrets secrets;
  private final ServerVersion version;
  private final ObjectMapper json = JsonMappers.strict();
  private final Runnable changed;

  /** {@code changed} runs after each stored change, so that the supervisor acts on it at once. */
  public ClickPipeService(
      MetadataStore store,
      PipeServers servers,
      PipeSecrets secrets,
      ServerVersion version,
      Runnable changed) {
    this.store = store;
    this.servers = servers;
    this.secrets = secrets;
    this.version = version;
    this.changed = changed;
  }

  public ClickPipe create(Service service, PipeSpec spec, SourceCredentials credentials) {
    if (service.spec().readonly()) {
      // its users may not write, so a pipe would fail on every batch; the rule holds whatever the
      // state, so it comes before the state check
      throw DomainException.invalidInput(
          "destination: service "
              + service.id()
              + " is read-only (isReadonly: true) and cannot be a ClickPipe's destination; create"
              + " the pipe on a read-write service of its warehouse");
    }
    if (!service.servesQueries()) {
      throw DomainException.unavailable(
          "ClickPipe creation is allowed only when the ClickHouse"
              + " service is running. Current state: "
              + service.state().wire());
    }
    PipeServer server = servers.of(service);
    PipeSpec.Destination destination = spec.destination();
    for (PipeSpec.Column c : destination.columns()) {
      try {
        ColumnType.parse(c.type()).requireSupported(version.major() >= 22);
      } catch (IllegalArgumentException e) {
        throw DomainException.invalidInput(
            "destination.columns: column " + c.name() + ": " + e.getMessage());
      }
    }
    List<PipeSpec.Column> tableColumns = columns(server, destination);
    if (destination.managedTable()) {
      if (!tableColumns.isEmpty()) {
        throw DomainException.invalidInput(
            "destination.table: "
                + destination.database()
                + "."
                + destination.table()
                + " exists already; use managedTable false to write into an existing table");
      }
      run(
          server,
          replicated(server, ManagedTable.createStatement(destination)),
          "destination.tableDefinition");
    } else {
      if (tableColumns.isEmpty()) {
        throw DomainException.invalidInput(
            "destination.table: "
                + destination.database()
                + "."
                + destination.table()
                + " does not exist; create it first or set managedTable true");
      }
      for (PipeSpec.Column c : destination.columns()) {
        if (tableColumns.stream().noneMatch(t -> t.name().equals(c.name()))) {
          throw DomainException.invalidInput(
              "destination.columns: the table has no column " + c.name());
        }
      }
      if (destination.columns().isEmpty()) {
        destination =
            new PipeSpec.Destination(
                destination.database(),
                destination.table(),
                false,
                destination.tableDefinition(),
                tableColumns);
        for (PipeSpec.FieldMapping m : spec.fieldMappings()) {
          if (tableColumns.stream().noneMatch(t -> t.name().equals(m.destinationField()))) {
            throw DomainException.invalidInput(
                "fieldMappings: the table has no column " + m.destinationField());
          }
        }
        spec = spec.withDestination(destination);
      }
    }
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    ClickPipe pipe =
        new ClickPipe(
            UUID.randomUUID(),
            service.organizationId(),
            service.id(),
            spec,
            secrets.seal(credentials),
            PipeState.PROVISIONING,
            DesiredState.RUNNING,
            null,
            now,
            now,
            0);
    store.inTransaction(
        tx -> {
          tx.insertPipe(pipe);
          return null;
        });
    changed.run();
    return pipe;
  }

  public List<ClickPipe> list(UUID serviceId) {
    return store.listPipes(serviceId).stream()
        .filter(p -> p.desiredState() != DesiredState.DELETED)
        .toList();
  }

  public ClickPipe get(UUID serviceId, UUID pipeId) {
    return store
        .findPipe(pipeId)
        .filter(p -> p.serviceId().equals(serviceId) && p.desiredState() != DesiredState.DELETED)
        .orElseThrow(
            () ->
                DomainException.notFound(
                    "ClickPipe " + pipeId + " does not exist in service " + serviceId));
  }

  public ClickPipe update(UUID serviceId, UUID pipeId, UnaryOperator<ClickPipe> change) {
    return update(serviceId, pipeId, change, null);
  }

  /** A change recorded as an activity ({@code activity} null: none) when it changes anything. */
  private ClickPipe update(
      UUID serviceId,
      UUID pipeId,
      UnaryOperator<ClickPipe> change,
      java.util.function.Function<ClickPipe, Activity> activity) {
    get(serviceId, pipeId);
    try {
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      ClickPipe updated =
          store.mutatePipe(
              pipeId,
              p -> {
                ClickPipe next = change.apply(p);
                return next.equals(p) ? p : next.withSpec(next.spec(), now);
              },
              (a, b) -> activity == null ? List.of() : List.of(activity.apply(b)));
      changed.run();
      return updated;
    } catch (NoSuchElementException e) {
      throw DomainException.notFound("ClickPipe " + pipeId + " does not exist");
    }
  }

  /**
   * Starts or stops a pipe. The official activity types have none for ClickPipes, so the change is
   * recorded as {@code service_maintenance_end} with what happened in {@code actorDetails}.
   */
  public ClickPipe changeState(Actor actor, UUID serviceId, UUID pipeId, String command) {
    return update(
        serviceId,
        pipeId,
        p ->
            switch (command) {
              case "start" ->
                  p.state() == PipeState.RUNNING || p.state() == PipeState.PROVISIONING
                      ? p.withDesiredState(DesiredState.RUNNING)
                      : p.withDesiredState(DesiredState.RUNNING)
                          .withState(PipeState.PROVISIONING, null);
              case "stop" ->
                  p.state() == PipeState.STOPPED
                      ? p.withDesiredState(DesiredState.STOPPED)
                      : p.withDesiredState(DesiredState.STOPPED)
                          .withState(PipeState.STOPPING, p.failureReason());
              default -> throw DomainException.invalidInput("command: must be start or stop");
            },
        p ->
            new Actor(
                    actor.type(),
                    actor.id(),
                    actor.ipAddress(),
                    actor.userAgent(),
                    "clickpipe " + p.id() + " (" + p.spec().name() + "): " + command)
                .did(ActivityType.SERVICE_MAINTENANCE_END, p.organizationId(), p.serviceId()));
  }

  public void delete(UUID serviceId, UUID pipeId) {
    update(serviceId, pipeId, p -> p.withDesiredState(DesiredState.DELETED));
  }

  public String seal(SourceCredentials credentials) {
    return secrets.seal(credentials);
  }

  private List<PipeSpec.Column> columns(PipeServer server, PipeSpec.Destination d) {
    String body =
        run(
            server,
            "SELECT name, type FROM system.columns WHERE database = "
                + Sql.literal(d.database())
                + " AND table = "
                + Sql.literal(d.table())
                + " FORMAT JSONEachRow",
            "destination");
    List<PipeSpec.Column> out = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (!line.isBlank()) {
        try {
          JsonNode row = json.readTree(line);
          out.add(new PipeSpec.Column(row.get("name").asText(), row.get("type").asText()));
        } catch (IOException e) {
          throw new IllegalStateException("unreadable answer from ClickHouse: " + line, e);
        }
      }
    }
    return out;
  }

  /**
   * The managed table's statement, Replicated when the server can replicate (whatever the replica
   * count, so that a later scale-up needs no conversion).
   */
  private static String replicated(PipeServer server, String createQuery) {
    try {
      return new ReplicatedTables().createStatement(server::query, createQuery);
    } catch (ProvisionException e) {
      throw DomainException.unavailable("the service's server did not answer: " + e.getMessage());
    }
  }

  private String run(PipeServer server, String sql, String field) {
    try {
      return server.query(sql);
    } catch (ProvisionException e) {
      throw DomainException.invalidInput(field + ": ClickHouse refused it: " + e.getMessage());
    }
  }
}
