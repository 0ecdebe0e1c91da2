package dev.chplane.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Files and directories that only their owner may use: files mode 0600, directories 0700, whatever
 * the process's umask (a mode given at creation can only lose bits to the umask, never gain them,
 * and each method also sets the mode explicitly where the umask could have removed owner bits).
 * Writes are atomic and durable: a reader (or a restart after a kill -9 or a power loss) sees the
 * old content or the new one, never a mix.
 */
public final class OwnerOnlyFiles {
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwx------");

  private OwnerOnlyFiles() {}

  public static void write(Path file, String content) throws IOException {
    write(file, content.getBytes(StandardCharsets.UTF_8));
  }

  public static void write(Path file, byte[] content) throws IOException {
    createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    createFile(tmp);
    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ByteBuffer bytes = ByteBuffer.wrap(content);
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    // the rename itself is durable only once the directory is flushed
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  /** Creates an empty owner-only file; fails if it exists. */
  public static void createFile(Path file) throws IOException {
    Files.createFile(file, attribute(FILE));
    Files.setPosixFilePermissions(file, FILE);
  }

  /**
   * Creates {@code dir} and its missing parents as owner-only directories; {@code dir} itself is
   * made owner-only even if it existed.
   */
  public static void createDirectories(Path dir) throws IOException {
    Files.createDirectories(dir, attribute(DIRECTORY));
    Files.setPosixFilePermissions(dir, DIRECTORY);
  }

  /** Makes an existing file or directory owner-only (symbolic links are left alone). */
  public static void restrict(Path path) throws IOException {
    if (Files.isSymbolicLink(path)) {
      return;
    }
    Files.setPosixFilePermissions(
        path, Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? DIRECTORY : FILE);
  }

  /**
   * Makes {@code root} and everything under it owner-only, except below the directories that {@code
   * keepContents} names (which are made owner-only themselves): for files that an earlier version
   * of chplane wrote with the umask's modes.
   */
  public static void restrictTree(Path root, Predicate<Path> keepContents) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    restrict(root);
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS) || keepContents.test(root)) {
      return;
    }
    try (Stream<Path> entries = Files.list(root)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        restrictTree(entry, keepContents);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static FileAttribute<Set<PosixFilePermission>> attribute(
      Set<PosixFilePermission> permissions) {
    return PosixFilePermissions.asFileAttribute(permissions);
  }
}
