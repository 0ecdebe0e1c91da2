package dev.chplane.startup;

import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.Provisioner;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What start-up does with service directories that belong to no service in the store: by default
 * nothing (they and their servers are left as they are, and reported); with {@code
 * --quarantine-unknown-services} each server is stopped gracefully and its directory moved under
 * {@code DATA_DIR/quarantine}, which chplane never deletes. Nothing here deletes anything.
 */
public final class UnknownServices {
  private static final Logger log = LoggerFactory.getLogger(UnknownServices.class);

  private final Provisioner provisioner;
  private final Path quarantine;
  private final Duration stopGrace;
  private final PrintStream console;

  public UnknownServices(
      Provisioner provisioner, Path quarantine, Duration stopGrace, PrintStream console) {
    this.provisioner = provisioner;
    this.quarantine = quarantine;
    this.stopGrace = stopGrace;
    this.console = console;
  }

  public void handle(Set<UUID> unknown, boolean moveToQuarantine) {
    if (unknown.isEmpty()) {
      return;
    }
    if (!moveToQuarantine) {
      for (UUID id : unknown) {
        log.warn(
            "service directory {} belongs to no service in the metadata store: left as it is{}",
            id,
            provisioner.isRunning(id) ? ", with its clickhouse-server running" : "");
      }
      console.println(
          "chplane: "
              + unknown.size()
              + " service director"
              + (unknown.size() == 1 ? "y" : "ies")
              + " belong to no service in the metadata store and are left alone ("
              + InstallationCheck.names(unknown)
              + "); move them away, or restart with --quarantine-unknown-services to move them to "
              + quarantine);
      return;
    }
    int moved = 0;
    for (UUID id : unknown) {
      try {
        Path to = provisioner.quarantine(id, quarantine, stopGrace);
        log.warn(
            "service directory {} belongs to no service in the metadata store: its server was stopped and"
                + " its files moved to {}",
            id,
            to);
        moved++;
      } catch (ProvisionException e) {
        log.error(
            "service directory {} belongs to no service in the metadata store and could not be moved to"
                + " quarantine; it is left as it is: {}",
            id,
            e.getMessage());
      }
    }
    console.println(
        "chplane: moved "
            + moved
            + " of "
            + unknown.size()
            + " unknown service directories to "
            + quarantine
            + "; chplane never deletes them");
  }
}
