package dev.chplane.service;

import dev.chplane.domain.ActivityType;
import dev.chplane.domain.Actor;
import dev.chplane.domain.DomainException;
import dev.chplane.domain.Organization;
import dev.chplane.store.MetadataStore;
import java.util.UUID;

/** The organization use cases: read and change its name and settings. */
public final class Organizations {
  private final MetadataStore store;

  public Organizations(MetadataStore store) {
    this.store = store;
  }

  public Organization get(UUID id) {
    return store
        .findOrganization(id)
        .orElseThrow(() -> DomainException.notFound("organization " + id + " does not exist"));
  }

  /** Changes the name and core-dump setting; null keeps a value. */
  public Organization update(Actor actor, UUID id, String name, Boolean enableCoreDumps) {
    Organization current = get(id);
    Organization updated =
        new Organization(
            id,
            name != null ? name : current.name(),
            current.createdAt(),
            enableCoreDumps != null ? enableCoreDumps : current.enableCoreDumps());
    if (updated.equals(current)) {
      return current;
    }
    store.inTransaction(
        tx -> {
          tx.updateOrganization(updated);
          if (!updated.name().equals(current.name())) {
            tx.record(actor.did(ActivityType.ORGANIZATION_UPDATE_NAME, id, null));
          }
          if (updated.enableCoreDumps() != current.enableCoreDumps()) {
            tx.record(actor.did(ActivityType.SERVICE_UPDATE_CORE_DUMP, id, null));
          }
          return null;
        });
    return updated;
  }
}
