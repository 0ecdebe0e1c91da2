package dev.chplane.backup;

import dev.chplane.security.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Backup storage in a local directory. Each object is a real copy (never a hard link), written to a
 * temporary name, fsynced, renamed into place and its directory fsynced, so a crash leaves either
 * the whole object or none. Backups hold the services' data: every file and directory is
 * owner-only.
 */
public final class DirectoryStorage implements BackupStorage {
  private final Path root;

  public DirectoryStorage(Path root) {
    this.root = root.toAbsolutePath();
  }

  /** The directory backups are stored in. */
  public Path root() {
    return root;
  }

  @Override
  public void putFile(String key, Path source) throws IOException {
    Path target = resolve(key);
    OwnerOnlyFiles.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(".tmp-" + UUID.randomUUID());
    try {
      Files.copy(source, tmp, StandardCopyOption.COPY_ATTRIBUTES);
      OwnerOnlyFiles.restrict(tmp);
      publish(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public void putBytes(String key, byte[] data) throws IOException {
    Path target = resolve(key);
    OwnerOnlyFiles.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(".tmp-" + UUID.randomUUID());
    try {
      OwnerOnlyFiles.createFile(tmp);
      Files.write(tmp, data);
      publish(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public void getFile(String key, Path target) throws IOException {
    Files.copy(resolve(key), target);
  }

  @Override
  public byte[] getBytes(String key) throws IOException {
    return Files.readAllBytes(resolve(key));
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(resolve(key));
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    Path start = resolve(prefix.contains("/") ? prefix.substring(0, prefix.lastIndexOf('/')) : "");
    if (!Files.isDirectory(start)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(start)) {
      files
          .filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .filter(
              k -> k.startsWith(prefix) && !k.substring(k.lastIndexOf('/') + 1).startsWith(".tmp-"))
          .forEach(out::add);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return out;
  }

  @Override
  public void delete(String key) throws IOException {
    Path file = resolve(key);
    Files.deleteIfExists(file);
    // drop directories left empty, up to the root
    for (Path dir = file.getParent();
        dir != null && dir.startsWith(root) && !dir.equals(root);
        dir = dir.getParent()) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          break;
        }
      } catch (NoSuchFileException e) {
        continue;
      }
      Files.deleteIfExists(dir);
    }
  }

  @Override
  public String describe() {
    return root.toString();
  }

  private Path resolve(String key) {
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root)) {
      throw new IllegalArgumentException("backup key escapes the storage root: " + key);
    }
    return p;
  }

  private static void publish(Path tmp, Path target) throws IOException {
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    }
  }
}
