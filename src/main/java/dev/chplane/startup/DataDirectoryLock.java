package dev.chplane.startup;

import dev.chplane.security.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a second chplane off a data directory whose embedded store is in use: an OS lock on {@code
 * DATA_DIR/chplane.lock}, held while chplane runs and released by the OS when its process ends,
 * even by kill -9 (the file itself stays and means nothing).
 */
public final class DataDirectoryLock implements AutoCloseable {
  public static final String NAME = "chplane.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * @throws StartRefused if another chplane (in this process or another) holds the lock
   */
  public static DataDirectoryLock acquire(Path dataDir) {
    Path file = dataDir.resolve(NAME);
    FileChannel channel;
    try {
      try {
        OwnerOnlyFiles.createFile(file);
      } catch (FileAlreadyExistsException e) {
        // left by an earlier run: the lock, not the file, says whether a chplane runs
      }
      channel = FileChannel.open(file, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file, e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock " + file, e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new StartRefused(
          "another chplane is running on "
              + dataDir
              + " (it holds "
              + file
              + "): stop it first, or give this one a data directory of its own with --data-dir");
    }
    return new DataDirectoryLock(channel, lock);
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel releases it too
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing held any more either way
    }
  }
}
