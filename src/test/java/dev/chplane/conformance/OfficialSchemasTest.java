package dev.chplane.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The oracle itself: the shipped document is the pinned official one, and the validator built on it
 * does reject what the document forbids (so that the conformance tests can fail).
 */
class OfficialSchemasTest {
  private static final String REQUEST_ID = "\"requestId\":\"3f1b7c1e-8d4e-4c55-9d7a-2b7e0f6b1a10\"";
  private static final Operation GET_SERVICE = Operation.get(Operation.SERVICE);
  private static final Operation GET_KEY = Operation.get(Operation.KEY);
  private static OfficialSchemas schemas;

  @BeforeAll
  static void load() {
    schemas = OfficialSchemas.load();
  }

  @Test
  void theShippedDocumentIsTheOfficialOneByteForByte() {
    assertThat(OfficialSchemas.sha256Hex(OfficialSchemas.shippedBytes()))
        .isEqualTo(OfficialSchemas.PINNED_SHA256);
    assertThat(schemas.declaredOperations())
        .contains(GET_SERVICE, Operation.patch(Operation.SERVICE + "/state"))
        .hasSizeGreaterThan(100);
  }

  @Test
  void aServiceAsTheDocumentDescribesItPasses() {
    assertThat(schemas.violations(GET_SERVICE, 200, service("\"state\":\"running\""))).isEmpty();
  }

  @Test
  void referencedSchemasAreResolvedAndEnforced() {
    assertThat(schemas.violations(GET_SERVICE, 200, service("\"state\":\"sleeping\"")))
        .singleElement()
        .asString()
        .contains("/result/state");
    assertThat(
            schemas.violations(
                GET_SERVICE, 200, service("\"tags\":[{\"key\":\"env\",\"value\":\"\"}]")))
        .singleElement()
        .asString()
        .contains("/result/tags/0/value");
    assertThat(schemas.violations(GET_SERVICE, 200, service("\"numReplicas\":2.5"))).isNotEmpty();
    assertThat(schemas.violations(GET_SERVICE, 200, service("\"name\":\"" + "n".repeat(51) + "\"")))
        .isNotEmpty();
    assertThat(
            schemas.violations(
                GET_SERVICE,
                200,
                "{\"status\":200,"
                    + REQUEST_ID
                    + ",\"result\":{\"autoscalingMode\":\"vertical\"}}"))
        .as("currentScaling is required")
        .isNotEmpty();
  }

  @Test
  void formatsAreAssertedNotJustAnnotated() {
    assertThat(schemas.violations(GET_SERVICE, 200, service("\"id\":\"not-a-uuid\""))).isNotEmpty();
    assertThat(schemas.violations(GET_SERVICE, 200, service("\"createdAt\":\"yesterday\"")))
        .isNotEmpty();
    assertThat(
            schemas.violations(
                GET_KEY,
                200,
                "{\"status\":200,"
                    + REQUEST_ID
                    + ",\"result\":{\"expireAt\":\"+10000-01-01T00:00:00Z\"}}"))
        .isNotEmpty();
    assertThat(
            schemas.violations(
                GET_KEY, 200, "{\"status\":200," + REQUEST_ID + ",\"result\":{\"expireAt\":null}}"))
        .isEmpty();
  }

  @Test
  void errorsUseTheDeclaredStatusOrElseTheFourHundredSchema() {
    assertThat(schemas.schemaStatus(GET_SERVICE, 404)).isEqualTo("400");
    assertThat(schemas.schemaStatus(GET_SERVICE, 500)).isEqualTo("500");
    String ok = "{\"status\":404,\"error\":\"NOT_FOUND: x\"," + REQUEST_ID + "}";
    assertThat(schemas.violations(GET_SERVICE, 404, ok)).isEmpty();
    assertThat(
            schemas.violations(
                GET_SERVICE, 404, "{\"status\":\"404\",\"error\":\"x\"," + REQUEST_ID + "}"))
        .isNotEmpty();
    assertThat(
            schemas.violations(
                GET_SERVICE, 404, "{\"status\":404,\"error\":[]," + REQUEST_ID + "}"))
        .isNotEmpty();
    assertThat(
            schemas.violations(
                GET_SERVICE, 500, "{\"status\":500.5,\"error\":\"x\"," + REQUEST_ID + "}"))
        .isNotEmpty();
  }

  @Test
  void aTextPlainSuccessIsValidatedAsTextAndItsErrorsStillAsJson() {
    Operation metrics = Operation.get(Operation.SERVICE + "/prometheus");
    assertThat(schemas.mediaType(metrics, 200)).isEqualTo("text/plain");
    assertThat(schemas.mediaType(metrics, 404)).isEqualTo("application/json");
    assertThat(schemas.mediaType(GET_SERVICE, 200)).isEqualTo("application/json");
    assertThat(schemas.violations(metrics, 200, "# TYPE m gauge\nm 1\n")).isEmpty();
    assertThat(
            schemas.violations(
                metrics, 404, "{\"status\":404,\"error\":\"NOT_FOUND: x\"," + REQUEST_ID + "}"))
        .isEmpty();
    assertThat(
            schemas.violations(
                metrics, 404, "{\"status\":\"404\",\"error\":\"x\"," + REQUEST_ID + "}"))
        .isNotEmpty();
  }

  @Test
  void theExplicitFormatCheckRejectsWhatIsNotAUuidOrADateTime() {
    assertThat(ReturnedFormats.isUuid("3f1b7c1e-8d4e-4c55-9d7a-2b7e0f6b1a10")).isTrue();
    assertThat(ReturnedFormats.isUuid("3F1B7C1E-8D4E-4C55-9D7A-2B7E0F6B1A10"))
        .as("not canonical")
        .isFalse();
    assertThat(ReturnedFormats.isUuid("+f1b7c1e-8d4e-4c55-9d7a-2b7e0f6b1a10")).isFalse();
    assertThat(ReturnedFormats.isDateTime("2026-11-26T18:30:00.123Z")).isTrue();
    assertThat(ReturnedFormats.isDateTime("2026-11-26T18:30:00+01:00")).isTrue();
    for (String bad :
        List.of(
            "2026-11-26T18:30Z",
            "+10000-01-01T00:00:00Z",
            "-0001-01-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-11-26 18:30:00Z")) {
      assertThat(ReturnedFormats.isDateTime(bad)).as(bad).isFalse();
    }
    assertThat(
            ReturnedFormats.violations(
                json(
                    "{\"requestId\":\"x\",\"result\":{\"key\":{\"usedAt\":\"now\"},"
                        + "\"privateEndpoints\":[{\"id\":\"vpce-1\"}]}}")))
        .hasSize(2);
  }

  /** A GET service response, with {@code field} overriding one of its fields. */
  private static String service(String field) {
    String name = field.substring(1, field.indexOf('"', 1));
    StringBuilder result = new StringBuilder("{").append(field);
    String[] defaults = {
      "\"id\":\"0b6a8c2e-2f0e-4b7e-9d0c-6f2d8e1a4b33\"", "\"name\":\"s\"", "\"provider\":\"aws\"",
      "\"region\":\"us-east-1\"", "\"state\":\"running\"",
          "\"createdAt\":\"2026-11-26T18:30:00.123Z\"",
      "\"numReplicas\":1", "\"tags\":[{\"key\":\"env\"}]", "\"autoscalingMode\":\"vertical\"",
      "\"currentScaling\":{\"effectiveMinReplicas\":1,\"effectiveMaxReplicas\":1}"
    };
    for (String d : defaults) {
      if (!d.startsWith("\"" + name + "\"")) {
        result.append(',').append(d);
      }
    }
    return "{\"status\":200," + REQUEST_ID + ",\"result\":" + result.append('}') + "}";
  }

  private static JsonNode json(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
