package dev.chplane.domain;

/** One entry of an IP access list, kept exactly as the client sent it. */
public record IpAccessEntry(String source, String description) {}
