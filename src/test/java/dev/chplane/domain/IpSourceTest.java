package dev.chplane.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpSourceTest {

  @ParameterizedTest
  @ValueSource(strings = {"1.2.3.4", "255.255.255.255", "0.0.0.0", "10.0.0.0/8", "1.2.3.4/0",
      "1.2.3.4/32", "::1", "2001:db8::1", "::ffff:10.0.0.1", "2001:db8::/32", "::/0", "::1/128"})
  void acceptsAddressesAndCidrs(String source) {
    assertThatCode(() -> IpSource.validate("ipAccessList[0].source", source)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.com", "", " ", "1.2.3", "1.2.3.4/33", "::1/129", "1.2.3.4/x",
      "256.1.1.1", "1.2.3.4/", "1:2", "localhost"})
  void refusesAnythingElseWithBadRequestNamingTheField(String source) {
    assertThatThrownBy(() -> IpSource.validate("ipAccessList[2].source", source))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
          assertThat(e.getMessage()).startsWith("ipAccessList[2].source");
        });
  }

  @Test
  void refusesNull() {
    assertThatThrownBy(() -> IpSource.validate("source", null))
        .isInstanceOf(ApiException.class)
        .hasMessageStartingWith("source");
  }

  @Test
  void prefixErrorNamesTheMaximumForTheAddressFamily() {
    assertThatThrownBy(() -> IpSource.validate("f", "1.2.3.4/33")).hasMessageContaining("0 and 32");
    assertThatThrownBy(() -> IpSource.validate("f", "::1/129")).hasMessageContaining("0 and 128");
  }

  @Test
  void allZeroIpv4MeansAnywhere() {
    assertThat(IpSource.toClickHousePattern("0.0.0.0")).isEqualTo("::/0");
    assertThat(IpSource.toClickHousePattern("0.0.0.0/0")).isEqualTo("::/0");
    assertThat(IpSource.toClickHousePattern("::/0")).isEqualTo(IpSource.ANYWHERE);
  }

  @Test
  void ipv4CidrBecomesMappedIpv6Pattern() {
    assertThat(IpSource.toClickHousePattern("10.0.0.0/8")).isEqualTo("::ffff:10.0.0.0/104");
    assertThat(IpSource.toClickHousePattern("127.0.0.2/32")).isEqualTo("::ffff:127.0.0.2/128");
  }

  @Test
  void plainAddressesAndIpv6CidrsStayAsSent() {
    assertThat(IpSource.toClickHousePattern("192.168.1.7")).isEqualTo("192.168.1.7");
    assertThat(IpSource.toClickHousePattern("2001:db8::1")).isEqualTo("2001:db8::1");
    assertThat(IpSource.toClickHousePattern("2001:db8::/32")).isEqualTo("2001:db8::/32");
  }
}
