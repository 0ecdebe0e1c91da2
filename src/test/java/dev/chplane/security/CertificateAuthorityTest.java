package dev.chplane.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  private static final String HOST = "db.example.test";

  @TempDir Path dir;

  private static X509Certificate load(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static List<String> altNames(X509Certificate cert) throws Exception {
    Collection<List<?>> names = cert.getSubjectAlternativeNames();
    return names.stream().map(n -> (String) n.get(1)).toList();
  }

  private static String perms(Path file) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  @Test
  void createsCaAndServerFilesWithPrivateKeysOwnerOnly() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, HOST);
    assertThat(ca.caCertificate()).isRegularFile().isEqualTo(dir.resolve("ca.pem"));
    assertThat(ca.serverCertificate()).isRegularFile().isEqualTo(dir.resolve("server.pem"));
    assertThat(ca.serverKey()).isRegularFile().isEqualTo(dir.resolve("server.key"));
    assertThat(dir.resolve("ca.key")).isRegularFile();
    assertThat(perms(dir.resolve("ca.key"))).isEqualTo("rw-------");
    assertThat(perms(dir.resolve("server.key"))).isEqualTo("rw-------");
  }

  @Test
  void serverCertificateIsSignedByCaAndNamesItsHosts() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, HOST);
    X509Certificate caCert = load(ca.caCertificate());
    X509Certificate server = load(ca.serverCertificate());
    assertThatCode(() -> server.verify(caCert.getPublicKey())).doesNotThrowAnyException();
    assertThat(server.getIssuerX500Principal()).isEqualTo(caCert.getSubjectX500Principal());
    assertThat(server.getBasicConstraints()).isEqualTo(-1);
    assertThat(caCert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(altNames(server)).contains(HOST, "localhost", "127.0.0.1");
  }

  @Test
  void serverCertificateIsNotSelfSigned() throws Exception {
    X509Certificate server = load(CertificateAuthority.loadOrCreate(dir, HOST).serverCertificate());
    assertThat(server.getIssuerX500Principal()).isNotEqualTo(server.getSubjectX500Principal());
  }

  @Test
  void reloadingWithSameHostKeepsServerCertificate() throws Exception {
    CertificateAuthority.loadOrCreate(dir, HOST);
    byte[] server = Files.readAllBytes(dir.resolve("server.pem"));
    byte[] ca = Files.readAllBytes(dir.resolve("ca.pem"));
    CertificateAuthority.loadOrCreate(dir, HOST);
    assertThat(Files.readAllBytes(dir.resolve("server.pem"))).isEqualTo(server);
    assertThat(Files.readAllBytes(dir.resolve("ca.pem"))).isEqualTo(ca);
  }

  @Test
  void newHostReissuesServerCertificateFromSameCa() throws Exception {
    CertificateAuthority.loadOrCreate(dir, HOST);
    byte[] server = Files.readAllBytes(dir.resolve("server.pem"));
    byte[] ca = Files.readAllBytes(dir.resolve("ca.pem"));
    CertificateAuthority again = CertificateAuthority.loadOrCreate(dir, "other.example.test");
    assertThat(Files.readAllBytes(dir.resolve("server.pem"))).isNotEqualTo(server);
    assertThat(Files.readAllBytes(dir.resolve("ca.pem"))).isEqualTo(ca);
    X509Certificate reissued = load(again.serverCertificate());
    assertThat(altNames(reissued)).contains("other.example.test").doesNotContain(HOST);
    assertThatCode(() -> reissued.verify(load(again.caCertificate()).getPublicKey()))
        .doesNotThrowAnyException();
  }

  @Test
  void recreatedCaReissuesServerCertificate() throws Exception {
    CertificateAuthority.loadOrCreate(dir, HOST);
    Files.delete(dir.resolve("ca.key"));
    CertificateAuthority again = CertificateAuthority.loadOrCreate(dir, HOST);
    X509Certificate server = load(again.serverCertificate());
    assertThatCode(() -> server.verify(load(again.caCertificate()).getPublicKey()))
        .doesNotThrowAnyException();
  }

  @Test
  void clientContextIsAvailable() {
    assertThat(CertificateAuthority.loadOrCreate(dir, HOST).clientContext()).isNotNull();
  }
}
