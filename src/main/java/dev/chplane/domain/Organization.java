package dev.chplane.domain;

import java.time.Instant;
import java.util.UUID;

/** An organization: the owner of services and API keys. */
public record Organization(UUID id, String name, Instant createdAt, boolean enableCoreDumps) {}
