package dev.chplane.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted for one test (root only), and files that fill it. {@link #close()} unmounts
 * it and removes the mount point, whatever the test left on it. Mount points are made under {@code
 * target/}: an H2 database that a full disk broke stays registered for closing at JVM exit, and its
 * failed close then writes a trace file (and its directories) where the data directory was.
 */
final class SmallFileSystem implements AutoCloseable {
  static final long MIB = 1024 * 1024;
  private final Path mountPoint;
  private final List<Path> fillers = new ArrayList<>();

  private SmallFileSystem(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  /**
   * Mounts a tmpfs of {@code sizeMib} MiB. Without root this skips the test, except under {@code
   * CI=true}, where it fails: CI runs as root, so the test must run there.
   */
  static SmallFileSystem mount(int sizeMib) throws IOException, InterruptedException {
    int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    if (uid != 0) {
      String why = "mounting a small tmpfs to fill needs root (uid is " + uid + ")";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why + "; under CI=true this test must run");
      }
      Assumptions.abort(why + "; skipped outside CI");
    }
    Path build = Files.createDirectories(Path.of("target").toAbsolutePath());
    Path dir = Files.createTempDirectory(build, "chplane-tmpfs-");
    run("mount", "-t", "tmpfs", "-o", "size=" + sizeMib + "m,mode=0700", "tmpfs", dir.toString());
    return new SmallFileSystem(dir);
  }

  Path path() {
    return mountPoint;
  }

  long freeBytes() throws IOException {
    return Files.getFileStore(mountPoint).getUsableSpace();
  }

  /**
   * Writes a file that leaves about {@code bytes} free (what runs on it may free a little more).
   */
  void fillLeaving(long bytes) throws IOException {
    write(Math.max(0, freeBytes() - bytes));
    assertThat(freeBytes()).isLessThan(bytes + 8 * MIB);
  }

  /** Writes until the file system has no room left. */
  void fillCompletely() throws IOException {
    write(Long.MAX_VALUE);
    assertThat(freeBytes()).isLessThan(MIB);
  }

  /** Deletes every file {@link #fillLeaving} and {@link #fillCompletely} wrote. */
  void removeFillers() throws IOException {
    for (Path filler : fillers) {
      Files.deleteIfExists(filler);
    }
    fillers.clear();
  }

  private void write(long bytes) throws IOException {
    Path filler = mountPoint.resolve("filler-" + fillers.size());
    fillers.add(filler);
    byte[] block = new byte[64 * 1024];
    java.util.Arrays.fill(block, (byte) 0x5a);
    long left = bytes;
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (left > 0) {
        int n = (int) Math.min(block.length, left);
        out.write(block, 0, n);
        left -= n;
      }
    } catch (IOException e) {
      if (bytes != Long.MAX_VALUE
          || !String.valueOf(e.getMessage()).contains("No space left on device")) {
        throw e;
      }
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      if (run("umount", mountPoint.toString()) != 0) {
        // a server that has not exited yet keeps it busy: detach now, freed once it is gone
        run("umount", "-l", mountPoint.toString());
      }
    } finally {
      // what was still open on the detached file system may have written next to it since
      TestInstallation.deleteTree(mountPoint);
    }
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish");
    }
    String output = new String(p.getInputStream().readAllBytes());
    if (p.exitValue() != 0 && command[0].equals("mount")) {
      throw new UncheckedIOException(
          new IOException(String.join(" ", command) + " failed: " + output));
    }
    return p.exitValue();
  }
}
