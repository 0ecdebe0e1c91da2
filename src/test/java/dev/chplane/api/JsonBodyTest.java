package dev.chplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
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
    assertThatThrownBy(() -> body("{\"x\":\"true\"}").bool("x"))
        .hasMessage("x: must be true or false");
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
    assertThatThrownBy(() -> body("{\"m\":\"8\"}").wholeNumber("m", 8, 356, 4))
        .hasMessage("m: must be a number");
    assertThatThrownBy(() -> body("{\"m\":true}").wholeNumber("m", 8, 356, 4))
        .hasMessage("m: must be a number");
  }

  @Test
  void nullIsRefusedWhereTheFieldIsNotNullable() {
    JsonBody b = body("{\"s\":null,\"n\":null,\"b\":null,\"o\":null,\"a\":null,\"l\":null}");
    for (String field : List.of("s", "n", "b", "o", "a", "l")) {
      assertThatThrownBy(
              () -> {
                b.string("s");
                b.wholeNumber("n", 0, 10, 1);
                b.bool("b");
                b.object("o");
                b.objects("a", 5);
                b.wholeLong("l", 0, 10);
              })
          .isInstanceOfSatisfying(
              ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
          .hasMessageStartingWith("s: must not be null");
      assertThatThrownBy(() -> b.has(field)).hasMessageStartingWith(field + ": must not be null");
    }
    assertThatThrownBy(() -> b.wholeLong("l", 0, 10)).hasMessageStartingWith("l: must not be null");
    assertThatThrownBy(() -> body("{\"r\":[\"a\",null]}").strings("r", 5))
        .hasMessageStartingWith("r[1]: must not be null");
  }

  @Test
  void nullCountsAsAbsentWhereTheFieldIsNullable() {
    JsonBody b =
        body("{\"s\":null,\"n\":null,\"b\":null,\"o\":null,\"a\":null}")
            .nullable("s", "n", "b", "o", "a");
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
    List<JsonBody> items =
        body("{\"ipAccessList\":[{\"source\":\"1.1.1.1\"},{\"source\":7}]}")
            .objects("ipAccessList", 10)
            .orElseThrow();
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
    assertThatThrownBy(() -> body("{\"tags\":{}}").objects("tags", 5))
        .hasMessage("tags: must be an array");
  }

  @Test
  void nullableReachesNestedFieldsByPath() {
    JsonBody b =
        body("{\"source\":{\"kafka\":{\"group\":null,\"other\":null}},\"items\":[{\"d\":null}]}")
            .nullable("source.kafka.group", "items[].d");
    JsonBody kafka = b.object("source").orElseThrow().object("kafka").orElseThrow();
    assertThat(kafka.string("group")).isEmpty();
    assertThatThrownBy(() -> kafka.string("other"))
        .hasMessageStartingWith("source.kafka.other: must not be null");
    assertThat(b.objects("items", 5).orElseThrow().get(0).string("d")).isEmpty();
  }

  @Test
  void fractionsAreRefusedForWholeNumbersNeverTruncated() {
    assertThatThrownBy(() -> body("{\"n\":1.5}").wholeNumber("n", 0, 10, 1))
        .hasMessage("n: must be a whole number, got 1.5");
    assertThatThrownBy(() -> body("{\"n\":10485760.5}").wholeLong("n", 0, 53687091200L))
        .hasMessage("n: must be a whole number, got 1.04857605E7");
    assertThat(body("{\"n\":8.0}").wholeLong("n", 0, 10)).contains(8L);
    assertThat(body("{\"n\":53687091200}").wholeLong("n", 0, 53687091200L)).contains(53687091200L);
    assertThatThrownBy(() -> body("{\"n\":53687091201}").wholeLong("n", 0, 53687091200L))
        .hasMessageStartingWith("n: must be between 0 and 53687091200");
    assertThatThrownBy(() -> body("{\"n\":1e300}").wholeLong("n", 0, 10))
        .hasMessageStartingWith("n: must be between");
  }

  @Test
  void numberChecksItsRange() {
    assertThat(body("{\"m\":0.5}").number("m", 0.5, 8)).contains(0.5);
    assertThatThrownBy(() -> body("{\"m\":8.5}").number("m", 0.5, 8))
        .hasMessageStartingWith("m: must be between 0.5 and 8.0");
    assertThatThrownBy(() -> body("{\"m\":\"1\"}").number("m", 0.5, 8))
        .hasMessage("m: must be a number");
  }

  @Test
  void stringsRefuseNulAndUnpairedSurrogates() {
    assertThatThrownBy(() -> body("{\"s\":\"a\\u0000b\"}").string("s"))
        .hasMessage("s: must not contain NUL (U+0000), found at character 2");
    assertThatThrownBy(() -> body("{\"s\":\"a\\ud800\"}").string("s"))
        .hasMessageStartingWith("s: must be valid Unicode");
    assertThatThrownBy(() -> body("{\"s\":[\"\\udc00x\"]}").strings("s", 2))
        .hasMessageStartingWith("s[0]: must be valid Unicode");
    assertThat(body("{\"s\":\"line\\nnext \\ud83d\\ude00\"}").string("s"))
        .contains("line\nnext \ud83d\ude00");
  }

  @Test
  void lengthsCountCharactersNotUtf16Units() {
    assertThat(body("{\"n\":\"\\ud83d\\ude00\\ud83d\\ude00\"}").string("n", 1, 2)).isPresent();
  }

  @Test
  void textRefusesControlCharactersAndBidiOverrides() {
    for (String bad :
        List.of(
            "\\u0000",
            "\\u001b[31m",
            "\\n",
            "\\t",
            "\\u007f",
            "\\u0085",
            "\\u009b",
            "\\u202a",
            "\\u202e",
            "\\u2066",
            "\\u2069",
            "\\u2028")) {
      assertThatThrownBy(() -> body("{\"name\":\"ok" + bad + "\"}").text("name", 1, 50))
          .as(bad)
          .isInstanceOf(ApiException.class)
          .hasMessageStartingWith("name: must not contain");
    }
    assertThat(body("{\"name\":\"Büro – Zürich 東京 \\ud83d\\ude00\"}").text("name", 1, 50))
        .isPresent();
  }

  @Test
  void nestedObjectPrefixesItsPath() {
    JsonBody inner =
        body("{\"ipAccessList\":{\"add\":[{\"source\":\"x\"}]}}")
            .object("ipAccessList")
            .orElseThrow();
    JsonBody item = inner.objects("add", 5).orElseThrow().get(0);
    assertThat(item.name("source")).isEqualTo("ipAccessList.add[0].source");
  }
}
