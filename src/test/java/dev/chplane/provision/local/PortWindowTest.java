package dev.chplane.provision.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PortWindowTest {

  @Test
  void belowLinuxDefaultEphemeralRange() {
    assertThat(PortWindow.outsideEphemeral("32768\t60999\n"))
        .contains(new PortWindow(20000, 32767));
  }

  @Test
  void withoutTheProcFileBelowIanaDynamicPorts() {
    assertThat(PortWindow.outsideEphemeral(null)).contains(new PortWindow(20000, 49151));
    assertThat(PortWindow.outsideEphemeral("not a range")).contains(new PortWindow(20000, 49151));
  }

  @Test
  void aboveTheRangeWhenItStartsLow() {
    assertThat(PortWindow.outsideEphemeral("20500 60999")).contains(new PortWindow(61000, 65535));
  }

  @Test
  void belowTwentyThousandWhenNothingElseIsLeft() {
    assertThat(PortWindow.outsideEphemeral("10000 65000")).contains(new PortWindow(1024, 9999));
  }

  @Test
  void readsThisSystemsRange() throws Exception {
    java.nio.file.Path file = PortWindow.LINUX_EPHEMERAL_RANGE;
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.isReadable(file), "no " + file);
    String range;
    try (java.io.InputStream in = new java.io.FileInputStream(file.toFile())) {
      range = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
    }
    assertThat(PortWindow.ofThisSystem()).isEqualTo(PortWindow.outsideEphemeral(range));
  }

  @Test
  void noWindowWhenTheRangeCoversNearlyEverything() {
    assertThat(PortWindow.outsideEphemeral("1024 65535")).isEmpty();
    assertThat(PortWindow.outsideEphemeral("1500 65000")).isEmpty();
  }
}
