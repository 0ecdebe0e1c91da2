package dev.chplane.metrics;

import dev.chplane.disk.DiskSpace;
import dev.chplane.domain.ClickPipe;
import dev.chplane.domain.Service;
import dev.chplane.pipes.ClickPipeService;
import dev.chplane.pipes.PipeSupervisor;
import dev.chplane.provision.ServiceConnector;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus endpoints' content: one service's metrics, or an organization's (all its services
 * and the ClickPipes of each, and the free space of chplane's disks), in the text exposition
 * format.
 */
public final class PrometheusMetrics {
  private final ServiceMetrics services;
  private final NonReplicatedTables nonReplicated;
  private final ClickPipeService pipes;
  private final PipeSupervisor supervisor;
  private final DiskSpace disk;
  private final String hostname;

  /**
   * @param hostname the {@code hostname} label: the host name services are reached at
   * @param timeout how long to wait for one server's answer before its scrape is partial
   */
  public PrometheusMetrics(
      ServiceConnector servers,
      ClickPipeService pipes,
      PipeSupervisor supervisor,
      String hostname,
      Duration timeout,
      DiskSpace disk) {
    this.services = new ServiceMetrics(servers, hostname, timeout);
    this.nonReplicated = new NonReplicatedTables(servers);
    this.pipes = pipes;
    this.supervisor = supervisor;
    this.disk = disk;
    this.hostname = hostname;
  }

  public String service(Service service, boolean filtered) {
    PrometheusText out = new PrometheusText();
    services.write(service, filtered, out);
    nonReplicated.write(service, filtered, services.labels(service), out);
    return out.render();
  }

  public String organization(List<Service> all, boolean filtered) {
    PrometheusText out = new PrometheusText();
    for (Service service : all) {
      services.write(service, filtered, out);
      nonReplicated.write(service, filtered, services.labels(service), out);
    }
    for (Service service : all) {
      Map<String, String> labels = services.labels(service);
      for (ClickPipe pipe : pipes.list(service.id())) {
        PipeMetrics.write(pipe, supervisor.counters(pipe.id()), labels, out);
      }
    }
    for (DiskSpace.Reading reading : disk.check()) {
      Map<String, String> labels = Map.of("directory", reading.directory(), "hostname", hostname);
      out.add(
          "ChplaneDisk_FreeBytes",
          PrometheusText.Type.GAUGE,
          "Bytes free for chplane on the disk holding its"
              + " data directory (directory=data) or its backup directory (directory=backup)",
          labels,
          Long.toString(reading.freeBytes()));
      out.add(
          "ChplaneDisk_MinFreeBytes",
          PrometheusText.Type.GAUGE,
          "Free space chplane keeps on that disk"
              + " (--min-free-disk-mb): below it, new services and backups are refused",
          labels,
          Long.toString(disk.minFreeBytes()));
    }
    return out.render();
  }
}
