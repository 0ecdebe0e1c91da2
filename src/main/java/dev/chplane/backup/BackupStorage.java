package dev.chplane.backup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where backups live: a flat space of objects named by slash-separated keys (a directory tree, or
 * an S3 bucket). A write is durable when the call returns (fsynced, or acknowledged by the object
 * store), and an object is either wholly there or not at all. Safe for concurrent use on distinct
 * keys.
 */
public interface BackupStorage {

  /** Copies a local file to {@code key}. */
  void putFile(String key, Path source) throws IOException;

  void putBytes(String key, byte[] data) throws IOException;

  /** Copies {@code key} to a local file, which must not exist yet. */
  void getFile(String key, Path target) throws IOException;

  byte[] getBytes(String key) throws IOException;

  boolean exists(String key) throws IOException;

  /** Every key that starts with {@code prefix}, in no particular order. */
  List<String> list(String prefix) throws IOException;

  /** Deletes a key; a no-op when it does not exist. */
  void delete(String key) throws IOException;

  /** Where this storage is, for logs and messages. */
  String describe();
}
