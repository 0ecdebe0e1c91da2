package dev.chplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresUrlTest {

  @Test
  void userAndPasswordMoveOutOfTheJdbcUrl() {
    PostgresUrl url = PostgresUrl.parse("postgresql://chplane:s3cret@db.example:5432/meta");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5432/meta");
    assertThat(url.user()).isEqualTo("chplane");
    assertThat(url.password()).isEqualTo("s3cret");
  }

  @Test
  void jdbcFormIsAcceptedWithOrWithoutUserInformation() {
    assertThat(PostgresUrl.parse("jdbc:postgresql://u:p@h:5432/db"))
        .isEqualTo(new PostgresUrl("jdbc:postgresql://h:5432/db", "u", "p"));
    assertThat(PostgresUrl.parse("jdbc:postgresql://h/db?user=u&sslmode=require"))
        .isEqualTo(new PostgresUrl("jdbc:postgresql://h/db?user=u&sslmode=require", null, null));
  }

  @Test
  void passwordIsPercentDecodedAndMayHoldUnencodedAtAndSlash() {
    assertThat(PostgresUrl.parse("postgresql://u:p%40ss%3Aw+rd@h/db").password())
        .isEqualTo("p@ss:w+rd");
    PostgresUrl raw = PostgresUrl.parse("postgresql://u:a/b@c@h:5432/db");
    assertThat(raw.password()).isEqualTo("a/b@c");
    assertThat(raw.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db");
  }

  @Test
  void textFormsNeverShowThePassword() {
    String url = "postgresql://u:topsecret@h:5432/db?sslmode=require&password=topsecret";
    assertThat(PostgresUrl.parse(url)).hasToString("postgresql://u@h:5432/db");
    assertThat(PostgresUrl.redact(url)).isEqualTo("postgresql://h:5432/db");
    assertThat(PostgresUrl.redact("mysql://u:topsecret@h/db")).isEqualTo("mysql://h/db");
    assertThatThrownBy(() -> PostgresUrl.parse("postgresql://u:%zztopsecret@h/db"))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("topsecret");
  }

  @Test
  void urlWithoutHostIsRefused() {
    assertThatThrownBy(() -> PostgresUrl.parse("postgresql://u:topsecret@/db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no host")
        .message()
        .doesNotContain("topsecret");
  }

  @Test
  void withDatabaseKeepsServerUserAndParameters() {
    PostgresUrl url = PostgresUrl.parse("postgresql://u:p@h:5432/postgres?sslmode=require");
    assertThat(url.withDatabase("other"))
        .isEqualTo(new PostgresUrl("jdbc:postgresql://h:5432/other?sslmode=require", "u", "p"));
    assertThat(PostgresUrl.parse("postgresql://h").withDatabase("x").jdbcUrl())
        .isEqualTo("jdbc:postgresql://h/x");
  }
}
