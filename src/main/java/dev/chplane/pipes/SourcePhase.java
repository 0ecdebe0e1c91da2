package dev.chplane.pipes;

/**
 * What a source task is doing: loading what exists ({@link #SNAPSHOT}, e.g. a database's tables or
 * the files present at creation), then following changes ({@link #STREAM}). A source without a
 * snapshot streams from the start.
 */
public enum SourcePhase {
  SNAPSHOT,
  STREAM
}
