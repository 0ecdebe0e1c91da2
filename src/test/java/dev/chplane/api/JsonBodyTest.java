package dev.chplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.domain.ApiException;
import dev.chplane.domain.ErrorCode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonBodyTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static JsonBody body(String json) {
    try {
      return new JsonBody((ObjectNode) MAPPER.readTree(json), "");
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  @Test
  void stringReturnsTextAndEmptyWhenAbsent() {
    JsonBody b = body("{\"name\":\"svc\"}");
    assertThat(b.string("name")).contains("svc");
    assertThat(b.string("other")).isEmpty();
  }

  @Test
  void stringRefusesOtherJsonTypes() {
    assertThatThrownBy(() -> body("{\"name\":5}").string("name"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
        .hasMessage("name: must be a string");
  }

  @Test
  void stringLengthIsChecked() {
    assertThat(body("{\"n\":\"ab\"}").string("n", 1, 2)).contains("ab");
    assertThatThrownBy(() -> body("{\"n\":\"abc\"}").string("n", 1, 2))
        .hasMessage("n: must be 1 to 2 characters long, got 3");
    assertThatThrownBy(() -> body("{\"n\":\"\"}").string("n", 1, 2)).hasMessageStartingWith("n: ");
  }

  @Test
  void oneOfAcceptsAllowedValueAndListsChoicesOtherwise() {
    assertThat(body("{\"p\":\"aws\"}").oneOf("p", Set.of("aws", "gcp"))).contains("aws");
    assertThatThrownBy(() -> body("{\"p\":\"ibm\"}").oneOf("p", Set.of("gcp", "aws")))
        .hasMessage("p: must be one of aws, gcp, got 'ibm'");
  }

  @Test
  void boolReadsBooleansAndRefusesStrings() {
    assertThat(body("{\"x\":false}").bool("x")).contains(false);
    assertThat(body("{\"x\":true}").bool("x")).contains(true);
    assertThatThrownBy(() -> body("{\"x\":\"true\"}").bool("x")).hasMessage("x: must be true or false");
  }

  @Test
  void wholeNumberAcceptsIntegralDouble() {
    assertThat(body("{\"m\":8.0}").wholeNumber("m", 8, 356, 4)).contains(8);
    assertThat(body("{\"m\":12}").wholeNumber("m", 8, 356, 4)).contains(12);
  }

  @Test
  void wholeNumberRefusesFractions() {
    assertThatThrownBy(() -> body("{\"m\":8.5}").wholeNumber("m", 8, 356, 4))
        .hasMessageStartingWith("m: must be a whole number");
  }

  @Test
  void wholeNumberRefusesOutOfRange() {
    assertThatThrownBy(() -> body("{\"m\":4}").wholeNumber("m", 8, 356, 4))
        .hasMessage("m: must be between 8 and 356, got 4");
    assertThatThrownBy(() -> body("{\"m\":360}").wholeNumber("m", 8, 356, 4))
        .hasMessage("m: must be between 8 and 356, got 360");
    assertThatThrownBy(() -> body("{\"m\":1e20}").wholeNumber("m", 8, 356, 4))
        .hasMessageStartingWith("m: must be between 8 and 356");
  }

  @Test
  void wholeNumberRefusesNonMultiplesOfStep() {
    assertThatThrownBy(() -> body("{\"m\":10}").wholeNumber("m", 8, 356, 4))
        .hasMessage("m: must be a multiple of 4, got 10");
  }

  @Test
  void wholeNumberRefusesStringsAndBooleans() {
    assertThatThrownBy(() -> body("{\"m\":\"8\"}").wholeNumber("m", 8, 356, 4)).hasMessage("m: must be a number");
    assertThatThrownBy(() -> body("{\"m\":true}").wholeNumber("m", 8, 356, 4)).hasMessage("m: must be a number");
  }

  @Test
  void explicitNullCountsAsAbsent() {
    JsonBody b = body("{\"s\":null,\"n\":null,\"b\":null,\"o\":null,\"a\":null}");
    assertThat(b.string("s")).isEmpty();
    assertThat(b.wholeNumber("n", 0, 10, 1)).isEmpty();
    assertThat(b.bool("b")).isEmpty();
    assertThat(b.object("o")).isEmpty();
    assertThat(b.objects("a", 5)).isEmpty();
    assertThat(b.has("s")).isFalse();
    assertThat(b.isExplicitNull("s")).isTrue();
    assertThat(b.isPresent("s")).isTrue();
    assertThat(b.isPresent("missing")).isFalse();
    assertThat(b.isExplicitNull("missing")).isFalse();
  }

  @Test
  void objectsKeepOrderAndNestedPathsNameTheItem() {
    List<JsonBody> items = body("{\"ipAccessList\":[{\"source\":\"1.1.1.1\"},{\"source\":7}]}")
        .objects("ipAccessList", 10).orElseThrow();
    assertThat(items).hasSize(2);
    assertThat(items.get(0).string("source")).contains("1.1.1.1");
    assertThat(items.get(1).name("source")).isEqualTo("ipAccessList[1].source");
    assertThatThrownBy(() -> items.get(1).string("source"))
        .hasMessage("ipAccessList[1].source: must be a string");
  }

  @Test
  void objectsRefusesTooManyItems() {
    assertThatThrownBy(() -> body("{\"tags\":[{},{},{}]}").objects("tags", 2))
        .hasMessage("tags: must have at most 2 items, got 3");
  }

  @Test
  void objectsRefusesNonObjectItemsAndNonArrays() {
    assertThatThrownBy(() -> body("{\"tags\":[{},\"x\"]}").objects("tags", 5))
        .hasMessage("tags[1]: must be an object");
    assertThatThrownBy(() -> body("{\"tags\":{}}").objects("tags", 5)).hasMessage("tags: must be an array");
  }

  @Test
  void nestedObjectPrefixesItsPath() {
    JsonBody inner = body("{\"ipAccessList\":{\"add\":[{\"source\":\"x\"}]}}").object("ipAccessList").orElseThrow();
    JsonBody item = inner.objects("add", 5).orElseThrow().get(0);
    assertThat(item.name("source")).isEqualTo("ipAccessList.add[0].source");
  }
}
