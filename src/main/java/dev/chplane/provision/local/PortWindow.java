package dev.chplane.provision.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The ports the allocator picks from: a range outside the system's ephemeral range, so that no
 * outgoing connection (a client socket of chplane, of a server, of anything on the machine) takes a
 * port between the moment it is chosen for a service and the moment the service's server binds it.
 * Ports the system hands out for {@code bind(0)} come from that same ephemeral range, which is why
 * the allocator no longer asks the system for them.
 *
 * <p>The preferred window is {@value #PREFERRED_LOW} up to the start of the ephemeral range (20000
 * to 32767 with Linux's default 32768–60999); if that leaves fewer than {@value #MIN_SIZE} ports,
 * the ports above the ephemeral range, then those from 1024 up to it. Where no window of that size
 * exists (an ephemeral range that covers nearly everything), there is none, and the allocator falls
 * back to the system's choice, with the old, rare race.
 */
record PortWindow(int low, int high) {
  /** Where Linux keeps the ephemeral range: two numbers, the first and the last port. */
  static final Path LINUX_EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  static final int PREFERRED_LOW = 20000;
  static final int MIN_SIZE = 1000;

  /** IANA's dynamic ports, the ephemeral range of macOS and the BSDs (which have no /proc file). */
  static final int[] IANA_EPHEMERAL = {49152, 65535};

  PortWindow {
    if (low < 1 || high > 65535 || high < low) {
      throw new IllegalArgumentException("not a port range: " + low + ".." + high);
    }
  }

  int size() {
    return high - low + 1;
  }

  boolean contains(int port) {
    return port >= low && port <= high;
  }

  /** The window outside the ephemeral range this system uses, read from /proc where present. */
  static Optional<PortWindow> ofThisSystem() {
    String range = null;
    if (Files.isReadable(LINUX_EPHEMERAL_RANGE)) {
      try {
        // readAllLines, not readString: JDK 17's readAllBytes returns one byte of this procfs file
        // here
        range = String.join("\n", Files.readAllLines(LINUX_EPHEMERAL_RANGE));
      } catch (IOException e) {
        range = null;
      }
    }
    return outsideEphemeral(range);
  }

  /**
   * @param ephemeralRange the content of {@link #LINUX_EPHEMERAL_RANGE} (for example {@code
   *     "32768\t60999\n"}); null or unreadable means IANA's range
   */
  static Optional<PortWindow> outsideEphemeral(String ephemeralRange) {
    int[] ephemeral = parse(ephemeralRange);
    int first = ephemeral[0];
    int last = ephemeral[1];
    for (PortWindow candidate :
        new PortWindow[] {
          window(PREFERRED_LOW, first - 1), window(last + 1, 65535), window(1024, first - 1)
        }) {
      if (candidate != null && candidate.size() >= MIN_SIZE) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static PortWindow window(int low, int high) {
    return low >= 1 && high <= 65535 && high >= low ? new PortWindow(low, high) : null;
  }

  private static int[] parse(String range) {
    if (range != null) {
      String[] parts = range.strip().split("\\s+");
      try {
        if (parts.length == 2) {
          int first = Integer.parseInt(parts[0]);
          int last = Integer.parseInt(parts[1]);
          if (first >= 1 && last <= 65535 && first <= last) {
            return new int[] {first, last};
          }
        }
      } catch (NumberFormatException e) {
        // not two numbers: as if the file were absent
      }
    }
    return IANA_EPHEMERAL.clone();
  }
}
