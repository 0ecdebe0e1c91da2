package dev.chplane.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The installation's own certificate authority under {@code <data-dir>/tls}: {@code ca.pem} (give
 * it to clients), {@code ca.key}, and the server certificate {@code server.pem}/{@code server.key}
 * whose subject alternative names list the advertised host, {@code localhost}, {@code 127.0.0.1}
 * and {@code ::1}. The CA is made once; the server certificate is made again when the advertised
 * host changes.
 */
public final class CertificateAuthority {
  private static final Duration CA_LIFETIME = Duration.ofDays(3650);
  private static final Duration SERVER_LIFETIME = Duration.ofDays(825);

  private final Path dir;

  private CertificateAuthority(Path dir) {
    this.dir = dir;
  }

  public static CertificateAuthority loadOrCreate(Path dir, String advertiseHost) {
    CertificateAuthority ca = new CertificateAuthority(dir);
    try {
      ca.ensure(advertiseHost);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create TLS files in " + dir, e);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot create TLS certificates: " + e.getMessage(), e);
    }
    return ca;
  }

  public Path caCertificate() {
    return dir.resolve("ca.pem");
  }

  public Path serverCertificate() {
    return dir.resolve("server.pem");
  }

  public Path serverKey() {
    return dir.resolve("server.key");
  }

  /** A client TLS context that trusts this CA only. */
  public SSLContext clientContext() {
    try (InputStream in = Files.newInputStream(caCertificate())) {
      X509Certificate cert =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry("chplane-ca", cert);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), new SecureRandom());
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load " + caCertificate(), e);
    }
  }

  private void ensure(String advertiseHost)
      throws IOException,
          GeneralSecurityException,
          org.bouncycastle.operator.OperatorCreationException {
    OwnerOnlyFiles.createDirectories(dir);
    Path caKeyFile = dir.resolve("ca.key");
    KeyPair caKeys;
    X509Certificate caCert;
    boolean caIsNew = !(Files.exists(caKeyFile) && Files.exists(caCertificate()));
    if (!caIsNew) {
      caKeys = readKeyPair(caKeyFile);
      try (InputStream in = Files.newInputStream(caCertificate())) {
        caCert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
    } else {
      caKeys = newKeyPair();
      caCert =
          issue(
              new X500Name("CN=chplane installation CA"),
              caKeys,
              null,
              caKeys,
              CA_LIFETIME,
              List.of(),
              true);
      OwnerOnlyFiles.write(caKeyFile, pem(caKeys.getPrivate()));
      OwnerOnlyFiles.write(caCertificate(), pem(caCert));
    }
    List<String> names =
        new ArrayList<>(
            new LinkedHashSet<>(List.of(advertiseHost, "localhost", "127.0.0.1", "::1")));
    Path sansFile = dir.resolve("server.names");
    String wanted = String.join(",", names);
    if (!caIsNew
        && Files.exists(serverCertificate())
        && Files.exists(serverKey())
        && Files.exists(sansFile)
        && Files.readString(sansFile).trim().equals(wanted)) {
      return;
    }
    KeyPair serverKeys = newKeyPair();
    X509Certificate server =
        issue(
            new X500Name("CN=" + advertiseHost),
            serverKeys,
            caCert,
            caKeys,
            SERVER_LIFETIME,
            names,
            false);
    OwnerOnlyFiles.write(serverKey(), pem(serverKeys.getPrivate()));
    OwnerOnlyFiles.write(serverCertificate(), pem(server));
    OwnerOnlyFiles.write(sansFile, wanted + "\n");
  }

  private static X509Certificate issue(
      X500Name subject,
      KeyPair subjectKeys,
      X509Certificate issuer,
      KeyPair issuerKeys,
      Duration lifetime,
      List<String> names,
      boolean isCa)
      throws GeneralSecurityException,
          IOException,
          org.bouncycastle.operator.OperatorCreationException {
    Instant now = Instant.now();
    X500Name issuerName =
        issuer == null
            ? subject
            : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuerName,
            new BigInteger(96, new SecureRandom()),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(lifetime)),
            subject,
            subjectKeys.getPublic());
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    builder.addExtension(
        Extension.subjectKeyIdentifier,
        false,
        utils.createSubjectKeyIdentifier(subjectKeys.getPublic()));
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (isCa) {
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(names));
    }
    var signer = new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static GeneralNames subjectAltNames(List<String> names) {
    Set<GeneralName> out = new LinkedHashSet<>();
    for (String name : names) {
      boolean ip = name.matches("[0-9.]+") || name.contains(":");
      out.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
    }
    return new GeneralNames(out.toArray(GeneralName[]::new));
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static KeyPair readKeyPair(Path file) throws IOException {
    try (PEMParser parser = new PEMParser(Files.newBufferedReader(file))) {
      Object parsed = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (parsed instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair);
      }
      throw new IOException(file + " does not hold an RSA key pair");
    }
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object instanceof PrivateKey key ? key : object);
    }
    return out.toString();
  }
}
