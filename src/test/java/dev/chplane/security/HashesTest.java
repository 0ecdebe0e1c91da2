package dev.chplane.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HashesTest {

  @Test
  void sha256HexOfKnownInput() {
    assertThat(Hashes.sha256Hex("secret"))
        .isEqualTo("2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b");
  }

  @Test
  void sha256HexIsOverUtf8Bytes() {
    assertThat(Hashes.sha256Hex("\u00e9"))
        .isEqualTo("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c");
  }

  @Test
  void doubleSha1HexOfKnownInput() {
    assertThat(Hashes.doubleSha1Hex("secret"))
        .isEqualTo("14e65567abdb5135d0cfd9a70b3032c179a49ee7");
  }

  @Test
  void sameHexComparesExactly() {
    String a = Hashes.sha256Hex("secret");
    assertThat(Hashes.sameHex(a, Hashes.sha256Hex("secret"))).isTrue();
    assertThat(Hashes.sameHex(a, Hashes.sha256Hex("Secret"))).isFalse();
    assertThat(Hashes.sameHex(a, a.substring(1))).isFalse();
  }

  @Test
  void sameHexIsFalseForNull() {
    assertThat(Hashes.sameHex(null, "ab")).isFalse();
    assertThat(Hashes.sameHex("ab", null)).isFalse();
    assertThat(Hashes.sameHex(null, null)).isFalse();
  }
}
