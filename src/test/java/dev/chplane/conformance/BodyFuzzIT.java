package dev.chplane.conformance;

import static dev.chplane.conformance.KeyAndOrganizationCalls.MISSING;
import static dev.chplane.conformance.KeyAndOrganizationCalls.ORG_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chplane.it.ClickHouseClients;
import dev.chplane.it.TestInstallation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of every body-taking operation and of every path id: each mutated request gets a
 * 200 only when it is still valid, otherwise a 400 (or 404) in the official error envelope, never a
 * 500, and a rejected request changes nothing that a GET shows (nor the service password). Every
 * answer is also checked against the official schema by {@link CheckedApi}.
 *
 * <p>The seed is fixed so that CI is reproducible; {@code -Dchplane.fuzz.seed=N} explores others,
 * and every failure message names the seed.
 */
class BodyFuzzIT {
  static final long DEFAULT_SEED = 20261126L;

  /** Upper bound on the mutated requests of one run, so that it stays a matter of seconds. */
  static final int MAX_REQUESTS = 400;

  private static final long SEED = Long.getLong("chplane.fuzz.seed", DEFAULT_SEED);
  private static TestInstallation chplane;
  private static CheckedApi api;
  private static String service;
  private static String key;
  private static String pipe;
  private static String password = FuzzTarget.PASSWORD;

  @BeforeAll
  static void start() {
    System.out.println(
        "BodyFuzzIT seed " + SEED + " (rerun with -Dchplane.fuzz.seed=" + SEED + ")");
    chplane = new TestInstallation();
    api =
        new CheckedApi(
            OfficialSchemas.load(),
            chplane.apiPort(),
            TestInstallation.KEY_ID,
            TestInstallation.KEY_SECRET);
    service =
        api.expect(200, ServiceCalls.CREATE, FuzzTarget.SERVICE_BODY, ORG_ID)
            .result()
            .at("/service/id")
            .asText();
    key =
        api.expect(200, Operation.post(Operation.KEYS), FuzzTarget.KEY_BODY, ORG_ID)
            .result()
            .at("/key/id")
            .asText();
    ServiceCalls.awaitState(api, service, "running");
    api.expect(
        200,
        ServiceCalls.UPSERT_QUERY_ENDPOINT,
        FuzzTarget.queryEndpointBody(key),
        ORG_ID,
        service);
    api.expect(200, ServiceCalls.PASSWORD, FuzzTarget.passwordBody(), ORG_ID, service);
    ServiceSql.run(chplane, api, service, ClickPipeCalls.table());
    api.expect(200, ServiceCalls.PASSWORD, FuzzTarget.passwordBody(), ORG_ID, service);
    pipe = ClickPipeCalls.stoppedPipe(api, service);
  }

  @AfterAll
  static void stop() {
    chplane.close();
  }

  @Test
  void mutatedBodiesAreAcceptedOnlyWhenValidAndOtherwiseRejectedWithoutEffect() {
    Mutations mutations = new Mutations(new Random(SEED));
    int sent = 0;
    for (FuzzTarget target : FuzzTarget.all(service, key, pipe)) {
      for (Mutation m : mutations.sample(target.valid(), target.required())) {
        sent++;
        JsonNode before = snapshot(target.watches());
        CheckedApi.Response r =
            api.call(target.op(), m.body(), target.pathArgs().toArray(String[]::new));
        String what =
            "seed "
                + SEED
                + ": "
                + target.op()
                + " "
                + m
                + ", body "
                + CheckedApi.abbreviate(m.body())
                + " -> "
                + CheckedApi.abbreviate(r.body().toString());
        switch (m.outcome()) {
          case ACCEPTED -> assertThat(r.status()).as(what).isEqualTo(200);
          case REJECTED -> assertThat(r.status()).as(what).isIn(400, 404);
          case EITHER -> assertThat(r.status()).as(what).isIn(200, 400);
        }
        if (r.status() != 200) {
          assertThat(snapshot(target.watches()))
              .as("nothing changed after " + what)
              .isEqualTo(before);
        } else if (target.op().equals(ServiceCalls.PASSWORD)) {
          password =
              r.result().has("password")
                  ? r.result().get("password").asText()
                  : FuzzTarget.PASSWORD;
        }
        if (target.op().equals(ServiceCalls.PASSWORD)) {
          awaitPasswordWorks(what);
        }
      }
    }
    System.out.println("BodyFuzzIT sent " + sent + " mutated bodies");
    assertThat(sent).isBetween(100, MAX_REQUESTS);
  }

  /**
   * The negative walk of the official request schemas: for every field of every body-taking
   * operation, {@code null} where its type is not nullable, the wrong JSON type, a fraction for an
   * integer, values just past {@code minimum}/{@code maximum}/{@code minLength}/{@code maxLength}/
   * {@code enum}: each is a 400 whose message names the field, and changes nothing a GET shows (nor
   * the service's password).
   */
  @Test
  void everyFieldRuleOfTheOfficialRequestSchemasIsABadRequestNamingTheField() {
    SchemaNegatives negatives = new SchemaNegatives(OfficialSchemas.load());
    // the official text: "In a PATCH, sending null resets a field to its default"; the Terraform
    // provider sends it
    Set<String> nullResets =
        Set.of("/backupPeriodInHours", "/backupRetentionPeriodInHours", "/backupStartTime");
    List<String> failures = new ArrayList<>();
    int sent = 0;
    List<FuzzTarget> targets = new ArrayList<>(FuzzTarget.all(service, key, pipe));
    targets.addAll(FuzzTarget.nested(service, key, pipe));
    for (FuzzTarget target : targets) {
      JsonNode before = snapshot(target.watches());
      for (SchemaNegatives.Negative n :
          negatives.of(
              target.op(),
              target.valid(),
              target.op().equals(ServiceCalls.PATCH_BACKUP_CONFIGURATION)
                  ? nullResets
                  : Set.of())) {
        sent++;
        CheckedApi.Response r =
            api.call(target.op(), n.body(), target.pathArgs().toArray(String[]::new));
        // "BAD_REQUEST: ipAccessList[0].description: must ...": the path before the rule ends with
        // the field
        String error = r.body().path("error").asText();
        String path = error.replaceFirst("^BAD_REQUEST: ", "").split(": ", 2)[0];
        if (r.status() != 400
            || !path.matches(
                "(.*\\.)?" + java.util.regex.Pattern.quote(n.field()) + "(\\[\\d+])?")) {
          failures.add(
              target.op()
                  + " "
                  + n
                  + " -> "
                  + r.status()
                  + " "
                  + CheckedApi.abbreviate(r.body().toString()));
        }
        JsonNode after = snapshot(target.watches());
        if (!after.equals(before)) {
          failures.add(
              target.op()
                  + " "
                  + n
                  + " changed what a GET shows: "
                  + CheckedApi.abbreviate(after.toString()));
          before = after;
        }
      }
    }
    System.out.println("BodyFuzzIT sent " + sent + " bodies breaking one official field rule each");
    assertThat(failures)
        .as("requests breaking an official field rule that were not a 400 naming the field")
        .isEmpty();
    assertThat(sent).isGreaterThan(300);
    awaitPasswordWorks("the schema walk");
  }

  @Test
  void badIdsInPathsAreRejectedWithoutEffect() {
    Random random = new Random(SEED + 1);
    List<FuzzTarget.Watch> everything = new ArrayList<>();
    FuzzTarget.all(service, key, pipe)
        .forEach(
            t ->
                t.watches().stream().filter(w -> !everything.contains(w)).forEach(everything::add));
    JsonNode before = snapshot(everything);
    int sent = 0;
    List<FuzzTarget> targets = FuzzTarget.all(service, key, pipe);
    for (Operation op : ResponseConformanceIT.implemented(chplane.api())) {
      String body =
          targets.stream()
              .filter(t -> t.op().equals(op))
              .findFirst()
              .map(t -> t.valid().toString())
              .orElse(op.method().equals("get") || op.method().equals("delete") ? null : "{}");
      List<String> real = realArgs(op);
      for (int slot = 0; slot < real.size(); slot++) {
        List<String> bad = BadIds.variants(real.get(slot));
        for (int pick = 0; pick < 2; pick++) {
          sent++;
          // activityId is a plain string in the official document: a malformed one is simply not
          // found
          int status = op.path().split("/")[slotIndex(op, slot)].equals("{activityId}") ? 404 : 400;
          expectAt(status, op, body, with(real, slot, bad.get(random.nextInt(bad.size()))));
        }
        if (slot > 0) {
          sent++;
          expectAt(404, op, body, with(real, slot, MISSING));
        }
      }
    }
    System.out.println("BodyFuzzIT sent " + sent + " requests with bad path ids");
    assertThat(sent).isBetween(40, MAX_REQUESTS);
    assertThat(snapshot(everything))
        .as("seed " + SEED + ": bad path ids changed nothing")
        .isEqualTo(before);
  }

  private static void expectAt(int status, Operation op, String body, List<String> args) {
    CheckedApi.Response r = api.send(op, op.concrete(args.toArray(String[]::new)), body);
    assertThat(r.status())
        .as("seed " + SEED + ": " + op + " at " + args + " -> " + r.body())
        .isEqualTo(status);
  }

  private static List<String> realArgs(Operation op) {
    List<String> out = new ArrayList<>();
    for (String part : op.path().split("/")) {
      switch (part) {
        case "{organizationId}" -> out.add(ORG_ID);
        case "{serviceId}" -> out.add(service);
        case "{keyId}" -> out.add(key);
        case "{clickPipeId}" -> out.add(pipe);
        // no backup exists in this installation; the missing id still exercises the checks before
        // it
        case "{backupId}" -> out.add(MISSING);
        case "{activityId}" ->
            out.add(
                api.expect(200, ActivityAndBackupCalls.ACTIVITIES, null, ORG_ID)
                    .result()
                    .get(0)
                    .get("id")
                    .asText());
        default -> {
          if (part.startsWith("{")) {
            throw new AssertionError("no real value for " + part + " of " + op);
          }
        }
      }
    }
    return out;
  }

  /** The index, among the path's segments, of its {@code slot}-th parameter. */
  private static int slotIndex(Operation op, int slot) {
    String[] parts = op.path().split("/");
    for (int i = 0, seen = -1; i < parts.length; i++) {
      if (parts[i].startsWith("{") && ++seen == slot) {
        return i;
      }
    }
    throw new AssertionError("no parameter " + slot + " in " + op);
  }

  private static List<String> with(List<String> args, int slot, String value) {
    List<String> out = new ArrayList<>(args);
    out.set(slot, value);
    return out;
  }

  /**
   * What the watched reads show; lists reduced to the ids and names (they hold other, moving
   * things).
   */
  private static JsonNode snapshot(List<FuzzTarget.Watch> watches) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (FuzzTarget.Watch w : watches) {
      JsonNode result = api.expect(200, w.op(), null, w.args().toArray(String[]::new)).result();
      if (result.isArray()) {
        ArrayNode items = out.addArray();
        StreamSupport.stream(result.spliterator(), false)
            .map(i -> i.get("id").asText() + " " + i.get("name").asText())
            .sorted()
            .forEach(items::add);
      } else {
        out.add(result);
      }
    }
    return out;
  }

  /** The service still takes the password last set by an accepted request. */
  private static void awaitPasswordWorks(String after) {
    int port =
        api
            .expect(200, ServiceCalls.GET, null, ORG_ID, service)
            .result()
            .findParents("protocol")
            .stream()
            .filter(e -> e.get("protocol").asText().equals("https"))
            .findFirst()
            .orElseThrow()
            .get("port")
            .asInt();
    await("the password still works after " + after)
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () ->
                ClickHouseClients.https(chplane.caCertificate(), port, password, "SELECT 1").ok());
  }
}
