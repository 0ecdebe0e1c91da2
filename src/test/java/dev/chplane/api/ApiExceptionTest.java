package dev.chplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.domain.DomainException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ApiExceptionTest {
  /** The wire status of each kind, as the API answered before the domain had its own exception. */
  private static final Map<Function<String, DomainException>, ErrorCode> KINDS =
      Map.of(
          DomainException::invalidInput, ErrorCode.BAD_REQUEST,
          DomainException::notFound, ErrorCode.NOT_FOUND,
          DomainException::conflict, ErrorCode.CONFLICT,
          DomainException::notPermitted, ErrorCode.FORBIDDEN,
          DomainException::unavailable, ErrorCode.FAILED_DEPENDENCY,
          DomainException::storageFull, ErrorCode.INSUFFICIENT_STORAGE);

  @Test
  void eachKindKeepsItsStatusAndMessage() {
    KINDS.forEach(
        (make, code) -> {
          ApiException mapped = ApiException.from(make.apply("name: must not be empty"));
          assertThat(mapped.code()).as(code.name()).isEqualTo(code);
          assertThat(mapped.getMessage()).isEqualTo("name: must not be empty");
          assertThat(mapped.getCause()).isInstanceOf(DomainException.class);
        });
  }

  @Test
  void everyPermittedKindHasItsOwnStatus() {
    assertThat(KINDS).hasSameSizeAs(DomainException.class.getPermittedSubclasses());
    List<Class<?>> made =
        KINDS.keySet().stream().<Class<?>>map(make -> make.apply("x").getClass()).toList();
    assertThat(made).containsExactlyInAnyOrder(DomainException.class.getPermittedSubclasses());
    assertThat(KINDS.keySet().stream().map(make -> ApiException.codeOf(make.apply("x"))))
        .doesNotContain(ErrorCode.INTERNAL_ERROR)
        .doesNotHaveDuplicates();
  }

  @Test
  void fieldAndRuleMakeTheUsualMessage() {
    assertThat(DomainException.invalidInput("region", "must be one of aws, gcp, azure"))
        .hasMessage("region: must be one of aws, gcp, azure");
  }
}
