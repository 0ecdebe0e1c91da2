package dev.chplane.provision.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.domain.ServicePorts;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

class PortAllocatorTest {

  /** A system that offers the same few ports again and again, as it may after they are closed. */
  private static IntSupplier cycling(int first, int count) {
    AtomicInteger next = new AtomicInteger();
    return () -> first + Math.floorMod(next.getAndIncrement(), count);
  }

  @Test
  void neverHandsOutARecordedPort() {
    Set<Integer> recorded = new HashSet<>(Set.of(20000, 20002));
    PortAllocator ports = new PortAllocator(cycling(20000, 4), () -> Set.copyOf(recorded));
    assertThat(ports.allocate(2)).containsExactly(20001, 20003);
  }

  @Test
  void portsHandedOutButNotRecordedYetAreNotHandedOutAgain() throws Exception {
    // nothing is ever recorded: only the allocator's own memory keeps the results apart; the system
    // offers ports at random from a small range, so it offers some twice
    Random system = new Random(12);
    PortAllocator ports = new PortAllocator(() -> 20000 + system.nextInt(400), Set::of);
    List<Integer> all = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        done.add(
            pool.submit(
                () -> {
                  for (int j = 0; j < 10; j++) {
                    ServicePorts endpoints = ports.allocateEndpoints();
                    all.add(endpoints.https());
                    all.add(endpoints.nativeSecure());
                    int[] internal = ports.allocate(2);
                    all.add(internal[0]);
                    all.add(internal[1]);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(all).hasSize(160).doesNotHaveDuplicates();
  }

  @Test
  void aPortOnceRecordedIsStillAvoided() {
    Set<Integer> recorded = new HashSet<>();
    PortAllocator ports = new PortAllocator(cycling(20000, 3), () -> Set.copyOf(recorded));
    int[] first = ports.allocate(2);
    recorded.add(first[0]);
    recorded.add(first[1]);
    assertThat(ports.allocate(1)).containsExactly(20002);
  }

  /**
   * A simulated Linux system with the default ephemeral range: its {@code bind(0)} would answer
   * with ephemeral ports, and every third port of the window is taken by something else.
   */
  @Test
  void picksBindablePortsOutsideTheEphemeralRange() {
    AtomicInteger systemAsked = new AtomicInteger();
    IntSupplier system = () -> 32768 + systemAsked.getAndIncrement();
    IntPredicate bindable = port -> port % 3 != 0;
    PortAllocator ports =
        new PortAllocator(
            PortAllocator.outsideEphemeral(
                PortWindow.outsideEphemeral("32768\t60999\n"), bindable, system, new Random(7)),
            Set::of);
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      for (int port : ports.allocate(4)) {
        all.add(port);
      }
    }
    assertThat(all)
        .hasSize(400)
        .doesNotHaveDuplicates()
        .allSatisfy(
            port -> assertThat(port).isBetween(20000, 32767).matches(bindable::test, "bindable"));
    assertThat(systemAsked).hasValue(0);
  }

  @Test
  void theSystemPicksWhenThereIsNoWindowOrNoBindablePortInIt() {
    AtomicInteger systemAsked = new AtomicInteger();
    IntSupplier system = () -> 40000 + systemAsked.getAndIncrement();
    PortAllocator noWindow =
        new PortAllocator(
            PortAllocator.outsideEphemeral(
                PortWindow.outsideEphemeral("1024 65535"), port -> true, system, new Random(7)),
            Set::of);
    assertThat(noWindow.allocate(2)).containsExactly(40000, 40001);

    PortAllocator fullWindow =
        new PortAllocator(
            PortAllocator.outsideEphemeral(
                PortWindow.outsideEphemeral("32768 60999"), port -> false, system, new Random(7)),
            Set::of);
    assertThat(fullWindow.allocate(1)).containsExactly(40002);
  }

  @Test
  void realPortsAreFreeAndOutsideTheEphemeralRange() throws Exception {
    ServicePorts endpoints =
        new PortAllocator(InetAddress.getLoopbackAddress(), Set::of).allocateEndpoints();
    assertThat(endpoints.https()).isNotEqualTo(endpoints.nativeSecure()).isPositive();
    PortWindow window = PortWindow.ofThisSystem().orElseThrow();
    assertThat(window.contains(endpoints.https())).as("%s in %s", endpoints, window).isTrue();
    assertThat(window.contains(endpoints.nativeSecure()))
        .as("%s in %s", endpoints, window)
        .isTrue();
  }
}
