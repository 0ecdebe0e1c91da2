package dev.chplane.domain;

/**
 * What the user asked of a service, kept apart from its observed {@link ServiceState}. The
 * reconciler drives the observed state toward it: {@link #RUNNING} after create or start, {@link
 * #STOPPED} after stop, {@link #DELETED} after delete (final: the service is then removed).
 */
public enum DesiredState {
  RUNNING,
  STOPPED,
  DELETED
}
