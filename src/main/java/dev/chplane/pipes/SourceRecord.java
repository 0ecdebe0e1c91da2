package dev.chplane.pipes;

import java.util.List;

/**
 * One message read from a source, with where it came from. Kafka fills every field; other sources
 * (later) fill what they have.
 */
public record SourceRecord(
    String topic,
    int partition,
    long offset,
    long timestampMillis,
    String key,
    List<String> headerKeys,
    List<String> headerValues,
    byte[] value) {}
