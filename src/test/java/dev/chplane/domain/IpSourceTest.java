package dev.chplane.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpSourceTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.2.3.4",
        "255.255.255.255",
        "0.0.0.0",
        "10.0.0.0/8",
        "0.0.0.0/0",
        "1.2.3.4/32",
        "::1",
        "2001:db8::1",
        "::ffff:10.0.0.1",
        "2001:db8::/32",
        "::/0",
        "::1/128",
        "10.1.2.0/23",
        "::ffff:10.0.0.0/104"
      })
  void acceptsAddressesAndCidrs(String source) {
    assertThatCode(() -> IpSource.validate("ipAccessList[0].source", source))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.com",
        "",
        " ",
        "1.2.3",
        "1.2.3.4/33",
        "::1/129",
        "1.2.3.4/x",
        "256.1.1.1",
        "1.2.3.4/",
        "1:2",
        "localhost"
      })
  void refusesAnythingElseWithBadRequestNamingTheField(String source) {
    assertThatThrownBy(() -> IpSource.validate("ipAccessList[2].source", source))
        .isInstanceOfSatisfying(
            DomainException.InvalidInput.class,
            e -> {
              assertThat(e.getMessage()).startsWith("ipAccessList[2].source");
            });
  }

  @Test
  void refusesNull() {
    assertThatThrownBy(() -> IpSource.validate("source", null))
        .isInstanceOf(DomainException.class)
        .hasMessageStartingWith("source");
  }

  @Test
  void prefixErrorNamesTheMaximumForTheAddressFamily() {
    assertThatThrownBy(() -> IpSource.validate("f", "1.2.3.4/33")).hasMessageContaining("0 and 32");
    assertThatThrownBy(() -> IpSource.validate("f", "::1/129")).hasMessageContaining("0 and 128");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.1/8|10.0.0.0/8",
        "1.2.3.4/0|0.0.0.0/0",
        "10.1.3.0/23|10.1.2.0/23",
        "2001:db8::1/32|2001:db8::/32",
        "::1/0|::/0",
        "::ffff:10.0.0.1/104|::ffff:10.0.0.0/104"
      })
  void refusesHostBitsAndNamesTheNetwork(String sourceAndNetwork) {
    String source = sourceAndNetwork.split("\\|")[0];
    String network = sourceAndNetwork.split("\\|")[1];
    assertThatThrownBy(() -> IpSource.validate("ipAccessList[0].source", source))
        .isInstanceOf(DomainException.InvalidInput.class)
        .hasMessage(
            "ipAccessList[0].source: '"
                + source
                + "' has host bits set; the network of that prefix is '"
                + network
                + "'");
  }

  @Test
  void allZeroIpv4MeansAnywhereAndAllZeroIpv6MeansEveryIpv6Address() {
    for (String anywhere : List.of("0.0.0.0", "0.0.0.0/0")) {
      List<IpAccessEntry> list = List.of(new IpAccessEntry(anywhere, null));
      assertThat(IpMatcher.admits(list, "203.0.113.9")).isTrue();
      assertThat(IpMatcher.admits(list, "2001:db8::9")).isTrue();
    }
    List<IpAccessEntry> v6 = List.of(new IpAccessEntry("::/0", null));
    assertThat(IpMatcher.admits(v6, "2001:db8::9")).isTrue();
    assertThat(IpMatcher.admits(v6, "::1")).isTrue();
    assertThat(IpMatcher.admits(v6, "203.0.113.9")).isFalse();
    assertThat(IpMatcher.admits(v6, "127.0.0.1")).isFalse();
    assertThat(IpMatcher.admits(v6, "::ffff:203.0.113.9")).isFalse();
  }

  @Test
  void cidrsMatchTheirNetworkOnlyAndMappedNetworksMatchIpv4Clients() {
    List<IpAccessEntry> list =
        List.of(
            new IpAccessEntry("10.1.2.0/23", null),
            new IpAccessEntry("2001:db8::/32", null),
            new IpAccessEntry("::ffff:192.168.0.0/112", null));
    assertThat(IpMatcher.admits(list, "10.1.3.255")).isTrue();
    assertThat(IpMatcher.admits(list, "10.1.4.0")).isFalse();
    assertThat(IpMatcher.admits(list, "::ffff:10.1.2.7")).isTrue();
    assertThat(IpMatcher.admits(list, "2001:db8:ffff::1")).isTrue();
    assertThat(IpMatcher.admits(list, "2001:db9::1")).isFalse();
    assertThat(IpMatcher.admits(list, "192.168.44.1")).isTrue();
    assertThat(IpMatcher.admits(list, "192.169.0.1")).isFalse();
  }
}
