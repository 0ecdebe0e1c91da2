package dev.chplane.domain;

/**
 * One entry of an IP access list, kept exactly as the client sent it: {@code description} is null
 * when none was sent (entries stored before it could be absent read back with {@code ""}).
 */
public record IpAccessEntry(String source, String description) {}
