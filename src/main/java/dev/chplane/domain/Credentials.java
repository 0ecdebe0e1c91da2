package dev.chplane.domain;

/**
 * The hashes of a service's {@code default} user password: SHA-256 in hex (what ClickHouse's {@code
 * password_sha256_hex} takes) and, when the client gave one, the MySQL double SHA-1 in hex. The
 * password itself is never stored.
 */
public record Credentials(String sha256Hex, String doubleSha1Hex) {}
