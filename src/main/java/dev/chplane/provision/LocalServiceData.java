package dev.chplane.provision;

import dev.chplane.security.InstallationKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ServiceData} for servers run by {@link LocalProcessProvisioner}: frozen parts appear under
 * {@code data/shadow/<n>/} of the service directory, where {@code n} is the number the server
 * writes to {@code shadow/increment.txt}. Freezes of one service must not overlap (the backup runner
 * takes one service at a time).
 */
public final class LocalServiceData implements ServiceData {
  private static final Logger log = LoggerFactory.getLogger(LocalServiceData.class);

  private final Path servicesDir;
  private final ClickHouseHttp http;
  private final InstallationKey key;

  public LocalServiceData(Path servicesDir, ClickHouseHttp http, InstallationKey key) {
    this.servicesDir = servicesDir.toAbsolutePath();
    this.http = http;
    this.key = key;
  }

  @Override
  public String query(ServiceDeployment service, String sql) throws ProvisionException {
    return query(service, sql, Duration.ofMinutes(30));
  }

  @Override
  public String query(ServiceDeployment service, String sql, Duration timeout) throws ProvisionException {
    return http.query(service.ports().https(), ClickHouseConfig.INTERNAL_USER,
        key.derive("clickhouse-internal-user:" + service.serviceId()), sql, timeout);
  }

  @Override
  public QueryResponse stream(ServiceDeployment service, QueryUser user, String sql,
      java.util.Map<String, String> settings) throws ProvisionException {
    return http.stream(service.ports().https(), user.userName(), user.password(key, service.serviceId()), sql,
        settings, Duration.ofMinutes(10));
  }

  @Override
  public void insert(ServiceDeployment service, String insertQuery, java.util.Map<String, String> settings, byte[] body)
      throws ProvisionException {
    http.insert(service.ports().https(), ClickHouseConfig.INTERNAL_USER,
        key.derive("clickhouse-internal-user:" + service.serviceId()), insertQuery, settings, body, Duration.ofMinutes(10));
  }

  @Override
  public FrozenTable freeze(ServiceDeployment service, String database, String table) throws ProvisionException {
    query(service, "ALTER TABLE " + Sql.name(database) + "." + Sql.name(table) + " FREEZE");
    Path shadow = dataDir(service).resolve("shadow");
    Path frozen;
    try {
      String n = Files.readString(shadow.resolve("increment.txt"), StandardCharsets.UTF_8).strip();
      frozen = shadow.resolve(n);
    } catch (IOException e) {
      throw new ProvisionException("cannot find the freeze of " + database + "." + table + ": " + e.getMessage(), e);
    }
    List<Path> parts;
    // a freeze holds exactly one table: data/<escaped db>/<escaped table>/<part>
    try (Stream<Path> found = Files.exists(frozen.resolve("data")) ? Files.walk(frozen.resolve("data"), 3) : Stream.empty()) {
      parts = found.filter(p -> frozen.resolve("data").relativize(p).getNameCount() == 3)
          .filter(Files::isDirectory).sorted().toList();
    } catch (IOException | UncheckedIOException e) {
      throw new ProvisionException("cannot list the frozen parts of " + database + "." + table + ": " + e.getMessage(), e);
    }
    return new FrozenTable() {
      @Override
      public List<Path> parts() {
        return parts;
      }

      @Override
      public void close() {
        deleteTree(frozen);
      }
    };
  }

  @Override
  public void releaseAllFreezes(java.util.UUID serviceId) {
    Path shadow = servicesDir.resolve(serviceId.toString()).resolve("data/shadow");
    if (!Files.isDirectory(shadow)) {
      return;
    }
    try (Stream<Path> entries = Files.list(shadow)) {
      entries.filter(Files::isDirectory).forEach(LocalServiceData::deleteTree);
    } catch (IOException e) {
      log.warn("cannot clean the freezes of service {}: {}", serviceId, e.getMessage());
    }
  }

  @Override
  public Path detachedDirectory(ServiceDeployment service, String database, String table) throws ProvisionException {
    String path = query(service, "SELECT data_path FROM system.tables WHERE database = " + Sql.literal(database)
        + " AND name = " + Sql.literal(table) + " FORMAT TSVRaw").strip();
    if (path.isEmpty()) {
      throw new ProvisionException("table " + database + "." + table + " has no data path");
    }
    Path detached = Path.of(path).resolve("detached");
    if (!detached.toAbsolutePath().startsWith(servicesDir)) {
      throw new ProvisionException("table " + database + "." + table + " keeps its data outside the service directory: " + path);
    }
    return detached;
  }

  private Path dataDir(ServiceDeployment service) {
    return servicesDir.resolve(service.serviceId().toString()).resolve("data");
  }

  private static void deleteTree(Path dir) {
    try {
      FileTrees.delete(dir);
    } catch (IOException e) {
      log.warn("cannot delete the freeze {}: {}", dir, e.getMessage());
    }
  }
}
