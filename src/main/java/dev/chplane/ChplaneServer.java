package dev.chplane;

import dev.chplane.api.ApiServer;
import dev.chplane.config.ServerConfig;
import dev.chplane.provision.ClickHouseBinary;
import dev.chplane.provision.ClickHouseHttp;
import dev.chplane.provision.LocalProcessProvisioner;
import dev.chplane.reconcile.ReconcileLoop;
import dev.chplane.reconcile.ServiceReconciler;
import dev.chplane.security.CertificateAuthority;
import dev.chplane.security.InstallationKey;
import dev.chplane.security.Secrets;
import dev.chplane.service.ApiKeys;
import dev.chplane.service.Bootstrap;
import dev.chplane.service.ServiceOperations;
import dev.chplane.store.MetadataStore;
import dev.chplane.store.MetadataStores;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: opens the store, makes the TLS material, starts the reconciler and the API.
 * Closing it stops the API and the reconciler but leaves the ClickHouse servers running; the next
 * start adopts them.
 */
public final class ChplaneServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChplaneServer.class);

  private final MetadataStore store;
  private final ReconcileLoop loop;
  private final ApiServer api;
  private final CertificateAuthority ca;

  private ChplaneServer(MetadataStore store, ReconcileLoop loop, ApiServer api, CertificateAuthority ca) {
    this.store = store;
    this.loop = loop;
    this.api = api;
    this.ca = ca;
  }

  public static ChplaneServer start(ServerConfig config, PrintStream console) {
    Path dataDir = config.dataDir().toAbsolutePath();
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
    }
    ClickHouseBinary binary = ClickHouseBinary.locate(config.clickhouseServer());
    log.info("using {} (ClickHouse {})", binary.server(), binary.version().text());
    InstallationKey key = InstallationKey.loadOrCreate(dataDir.resolve("secrets/installation.key"));
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dataDir.resolve("tls"), config.advertiseHost());
    MetadataStore store = MetadataStores.open(config.store(), dataDir);
    Secrets secrets = new Secrets();
    Bootstrap.run(store, new Bootstrap.Preset(config.bootstrapOrgId(), config.bootstrapKeyId(),
        config.bootstrapKeySecret()), dataDir.resolve("bootstrap-key.txt"), secrets, console);

    LocalProcessProvisioner provisioner = new LocalProcessProvisioner(dataDir.resolve("services"), binary,
        new ClickHouseHttp(ca.clientContext()), key, config.serviceListenHost(), ca.serverCertificate(), ca.serverKey());
    ServiceReconciler reconciler = new ServiceReconciler(store, provisioner, config.startTimeout(), Duration.ofSeconds(60));
    ReconcileLoop loop = new ReconcileLoop(reconciler, store);
    ServiceOperations services;
    try {
      services = new ServiceOperations(store, loop, secrets, InetAddress.getByName(config.serviceListenHost()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    loop.start(config.reconcileInterval());
    String installationId = key.derive("installation-id").substring(0, 16);
    ApiServer api = new ApiServer(new ApiServer.Dependencies(store, services, new ApiKeys(store, secrets), secrets, binary.version(),
        config.advertiseHost(), installationId)).start(config.apiHost(), config.apiPort());
    console.println("chplane API listening on http://" + config.apiHost() + ":" + api.port() + "/v1");
    console.println("installation CA certificate (give it to clients): " + ca.caCertificate());
    return new ChplaneServer(store, loop, api, ca);
  }

  public int apiPort() {
    return api.port();
  }

  public Path caCertificate() {
    return ca.caCertificate();
  }

  @Override
  public void close() {
    api.close();
    loop.close();
    store.close();
  }
}
