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
        done.add(pool.submit(() -> {
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

  @Test
  void realPortsAreFreeAndEndpointsHaveNoInternalPorts() {
    ServicePorts endpoints = new PortAllocator(InetAddress.getLoopbackAddress(), Set::of).allocateEndpoints();
    assertThat(endpoints.https()).isNotEqualTo(endpoints.nativeSecure()).isPositive();
    assertThat(endpoints.internalHttps()).isZero();
    assertThat(endpoints.internalNativeSecure()).isZero();
  }
}
