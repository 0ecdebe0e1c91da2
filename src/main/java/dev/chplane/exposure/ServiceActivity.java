package dev.chplane.exposure;

import java.util.UUID;

/** What the exposure (the edge) knows of a service's use: what idle scaling decides on. */
public interface ServiceActivity {
  int openConnections(UUID serviceId);

  /** {@link System#nanoTime()} of the service's last connection activity. */
  long lastActivityNanos(UUID serviceId);
}
