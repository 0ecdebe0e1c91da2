package dev.chplane.provision;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * How backups reach a service's table data, part by part: freeze a table and copy its parts out, or
 * place copied parts into a table and attach them. Only the provisioner knows where a server keeps
 * its data: the local provisioner freezes on disk and hands out the frozen files; another
 * provisioner (Kubernetes) implements the same over its own volumes or with its servers' native
 * backup. Freezes and attaches of one service must not overlap (backups take one service at a
 * time).
 */
public interface PartTransfer {

  /**
   * Freezes a MergeTree-family table ({@code ALTER TABLE ... FREEZE}) and returns its parts as they
   * were at that moment; they stay readable until {@link FrozenTable#close()} releases the freeze.
   */
  FrozenTable freeze(String database, String table) throws ProvisionException;

  /** Releases every freeze of the service, e.g. those a backup cut short by a crash left behind. */
  void releaseAllFreezes();

  /**
   * Places one part, whose files {@code source} provides, into the table and attaches it ({@code
   * ALTER TABLE ... ATTACH PART}). The table exists and is empty of this part.
   *
   * @param files the part's files, relative to the part
   */
  void attachPart(
      String database, String table, String partName, List<String> files, PartSource source)
      throws ProvisionException, IOException;

  /** The frozen parts of one table; closing releases the freeze. */
  interface FrozenTable extends AutoCloseable {
    List<FrozenPart> parts();

    @Override
    void close();
  }

  /** One frozen part: its name and files, to be copied out while the freeze lasts. */
  interface FrozenPart {
    /** The part's name, as {@code system.parts} shows it. */
    String name();

    /** The part's files, relative to the part, sorted. */
    List<String> files();

    /** The size of one of {@link #files()}, in bytes. */
    long size(String file) throws IOException;

    /** The content of one of {@link #files()} (for small files such as {@code checksums.txt}). */
    byte[] read(String file) throws IOException;

    /**
     * Hands one of {@link #files()} to {@code sink} as a readable local file, valid during the
     * call.
     */
    void copyOut(String file, FileSink sink) throws IOException;
  }

  /** Receives a file that a provisioner hands out (e.g. to copy it to backup storage). */
  @FunctionalInterface
  interface FileSink {
    void accept(Path file) throws IOException;
  }

  /** Writes one file of a part to a local path that the provisioner chose. */
  @FunctionalInterface
  interface PartSource {
    void writeTo(String file, Path target) throws IOException;
  }
}
