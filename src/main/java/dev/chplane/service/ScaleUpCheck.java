package dev.chplane.service;

import dev.chplane.domain.DomainException;
import dev.chplane.domain.Scaling;
import dev.chplane.domain.Service;
import dev.chplane.domain.ServiceState;
import dev.chplane.provision.ProvisionException;
import dev.chplane.provision.ServiceConnector;
import dev.chplane.provision.TableConversion;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a scaling change that takes a one-replica service to several replicas while it has tables
 * that cannot be converted to Replicated ones ({@link TableConversion#blockers}): a 400 that names
 * them. Plain MergeTree-family tables are no reason to refuse; they are converted before the new
 * replicas start. A service whose server is not up is not asked (and not woken): the conversion
 * before the scale-up checks again.
 */
public final class ScaleUpCheck {
  private static final Logger log = LoggerFactory.getLogger(ScaleUpCheck.class);
  private static final Set<ServiceState> UP =
      Set.of(ServiceState.RUNNING, ServiceState.PARTIALLY_RUNNING, ServiceState.DEGRADED);

  private final ServiceConnector servers;
  private final TableConversion conversion = new TableConversion();

  /**
   * @param servers how to reach the service's servers; null checks nothing
   */
  public ScaleUpCheck(ServiceConnector servers) {
    this.servers = servers;
  }

  /** A check that refuses nothing, for wirings without servers. */
  public static ScaleUpCheck none() {
    return new ScaleUpCheck(null);
  }

  /**
   * Throws {@link DomainException.InvalidInput} naming the field and the tables when {@code next}
   * would take {@code current} from one replica to several and a table cannot be converted.
   */
  public void check(Service current, Scaling next) {
    Scaling now = current.spec().scaling();
    int wanted = mostReplicas(next);
    if (servers == null
        || now.plannedReplicas() > 1
        || wanted <= 1
        || wanted <= mostReplicas(now)
        || !UP.contains(current.state())) {
      return;
    }
    List<TableConversion.Blocker> blockers;
    try {
      blockers = conversion.blockers(servers.access(current.id()));
    } catch (ProvisionException e) {
      log.warn(
          "service {}: cannot list its tables before a scale-up ({}); the conversion checks again",
          current.id(),
          e.getMessage());
      return;
    }
    if (!blockers.isEmpty()) {
      throw DomainException.invalidInput(
          field(next),
          "the service cannot run more than one replica while these tables cannot be replicated: "
              + blockers.stream()
                  .map(TableConversion.Blocker::toString)
                  .collect(Collectors.joining("; ")));
    }
  }

  /** The most replicas a scaling may run: its replica count, or its maximum in horizontal mode. */
  static int mostReplicas(Scaling s) {
    return Stream.of(s.numReplicas(), s.minReplicas(), s.maxReplicas())
        .filter(n -> n != null)
        .mapToInt(Integer::intValue)
        .max()
        .orElse(1);
  }

  private static String field(Scaling next) {
    if (next.numReplicas() != null && next.numReplicas() == mostReplicas(next)) {
      return "numReplicas";
    }
    return next.maxReplicas() != null && next.maxReplicas() == mostReplicas(next)
        ? "maxReplicas"
        : "minReplicas";
  }
}
