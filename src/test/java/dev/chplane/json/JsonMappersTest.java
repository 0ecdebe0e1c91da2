package dev.chplane.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class JsonMappersTest {
  record Entry(String source, String description) {}

  @Test
  void strictRefusesUnknownProperties() {
    assertThatThrownBy(
            () ->
                JsonMappers.strict().readValue("{\"source\":\"1.2.3.4\",\"extra\":1}", Entry.class))
        .isInstanceOf(UnrecognizedPropertyException.class);
  }

  @Test
  void exactDecimalsKeepTheDigitsAsWritten() throws Exception {
    String many = "{\"amount\":0.30000000000000000001}";
    assertThat(JsonMappers.exactDecimals().readTree(many).get("amount").decimalValue())
        .isEqualByComparingTo(new BigDecimal("0.30000000000000000001"));
    assertThat(JsonMappers.strict().readTree(many).get("amount").isDouble()).isTrue();
    assertThat(JsonMappers.exactDecimals().writeValueAsString(new BigDecimal("1E+3")))
        .isEqualTo("1000");
    assertThat(JsonMappers.strict().writeValueAsString(new BigDecimal("1E+3"))).isEqualTo("1E+3");
  }

  @Test
  void eachCallMakesItsOwnMapper() {
    assertThat(JsonMappers.strict()).isNotSameAs(JsonMappers.strict());
  }
}
