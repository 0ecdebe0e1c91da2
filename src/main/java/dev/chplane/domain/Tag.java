package dev.chplane.domain;

/** A resource tag; {@code value} may be null (a key-only tag). */
public record Tag(String key, String value) {}
