package dev.chplane.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerVersionTest {

  @Test
  void parsesClientVersionBanner() {
    ServerVersion v = ServerVersion.parse("ClickHouse client version 18.16.1.");
    assertThat(v.major()).isEqualTo(18);
    assertThat(v.minor()).isEqualTo(16);
    assertThat(v.text()).isEqualTo("18.16.1");
  }

  @Test
  void parsesFourPartVersion() {
    ServerVersion v = ServerVersion.parse("24.8.4.13");
    assertThat(v.major()).isEqualTo(24);
    assertThat(v.minor()).isEqualTo(8);
    assertThat(v.text()).isEqualTo("24.8.4.13");
  }

  @Test
  void oldServerHasNeitherMysqlNorServerMemoryLimit() {
    ServerVersion v = ServerVersion.parse("18.16.1");
    assertThat(v.hasMysqlProtocol()).isFalse();
    assertThat(v.hasServerMemoryLimit()).isFalse();
  }

  @Test
  void currentServerHasMysqlAndServerMemoryLimit() {
    ServerVersion v = ServerVersion.parse("24.8.4.13");
    assertThat(v.hasMysqlProtocol()).isTrue();
    assertThat(v.hasServerMemoryLimit()).isTrue();
  }

  @Test
  void gatesSwitchAtTheirReleases() {
    assertThat(ServerVersion.parse("20.4.1").hasServerMemoryLimit()).isTrue();
    assertThat(ServerVersion.parse("20.4.1").hasMysqlProtocol()).isFalse();
    assertThat(ServerVersion.parse("20.5.2").hasMysqlProtocol()).isTrue();
    assertThat(ServerVersion.parse("19.17.1").hasServerMemoryLimit()).isFalse();
  }

  @Test
  void textWithoutVersionIsRefused() {
    assertThatThrownBy(() -> ServerVersion.parse("clickhouse"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void usersXmlGrantsStartAt23Point5() {
    assertThat(ServerVersion.parse("18.16.1").hasUsersXmlGrants()).isFalse();
    assertThat(ServerVersion.parse("23.4.2").hasUsersXmlGrants()).isFalse();
    assertThat(ServerVersion.parse("23.5.1").hasUsersXmlGrants()).isTrue();
    assertThat(ServerVersion.parse("24.8.4.13").hasUsersXmlGrants()).isTrue();
  }
}
