package dev.chplane.service;

import dev.chplane.domain.Activity;
import dev.chplane.store.MetadataStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The organization's activity log, read-only. Every read is scoped to one organization: an activity
 * of another organization is not found.
 */
public final class Activities {
  private final MetadataStore store;

  public Activities(MetadataStore store) {
    this.store = store;
  }

  /**
   * The organization's activities, newest first, created within [{@code from}, {@code to}]; null
   * leaves a side open.
   */
  public List<Activity> list(UUID organizationId, Instant from, Instant to) {
    return store.listActivities(organizationId, from, to);
  }

  /** The organization's activity with this id, if there is one. */
  public Optional<Activity> find(UUID organizationId, UUID id) {
    return store.findActivity(organizationId, id);
  }
}
