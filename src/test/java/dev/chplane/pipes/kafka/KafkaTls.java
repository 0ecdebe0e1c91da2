package dev.chplane.pipes.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
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
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * TLS material for the broker's mutual-TLS listener, made fresh for each broker: a CA, a broker
 * certificate for {@code 127.0.0.1} and {@code localhost} (written as PKCS12 key and trust stores)
 * and a client certificate, with the PEM strings that a ClickPipe's Kafka source is given.
 */
public final class KafkaTls {
  public static final String CLIENT_NAME = "CN=chplane-pipe-client";

  private final String storePassword;
  private final Path keyStore;
  private final Path trustStore;
  private final String caCertificatePem;
  private final String clientCertificatePem;
  private final String clientKeyPem;
  private final Path dir;

  private KafkaTls(
      Path dir,
      String storePassword,
      String caCertificatePem,
      String clientCertificatePem,
      String clientKeyPem) {
    this.dir = dir;
    this.storePassword = storePassword;
    this.keyStore = dir.resolve("broker.keystore.p12");
    this.trustStore = dir.resolve("broker.truststore.p12");
    this.caCertificatePem = caCertificatePem;
    this.clientCertificatePem = clientCertificatePem;
    this.clientKeyPem = clientKeyPem;
  }

  /** Makes the CA and both certificates, and writes the broker's stores into {@code dir}. */
  static KafkaTls create(Path dir) {
    try {
      KeyPair caKeys = newKeyPair();
      X509Certificate ca = issue("CN=chplane test Kafka CA", caKeys, null, caKeys, null);
      KeyPair brokerKeys = newKeyPair();
      X509Certificate broker =
          issue("CN=localhost", brokerKeys, ca, caKeys, KeyPurposeId.id_kp_serverAuth);
      KeyPair clientKeys = newKeyPair();
      X509Certificate client =
          issue(CLIENT_NAME, clientKeys, ca, caKeys, KeyPurposeId.id_kp_clientAuth);

      String password = new BigInteger(80, new SecureRandom()).toString(36);
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "broker",
          brokerKeys.getPrivate(),
          password.toCharArray(),
          new Certificate[] {broker, ca});
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      StringWriter key = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(key)) {
        writer.writeObject(new JcaPKCS8Generator(clientKeys.getPrivate(), null));
      }
      KafkaTls tls = new KafkaTls(dir, password, pem(ca), pem(client), key.toString());
      save(keys, tls.keyStore, password);
      save(trust, tls.trustStore, password);
      Files.writeString(tls.caCertificateFile(), tls.caCertificatePem);
      Files.writeString(tls.clientCertificateFile(), tls.clientCertificatePem);
      Files.writeString(tls.clientKeyFile(), tls.clientKeyPem);
      return tls;
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make the Kafka test certificates", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String caCertificatePem() {
    return caCertificatePem;
  }

  public String clientCertificatePem() {
    return clientCertificatePem;
  }

  /** The client's private key, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}). */
  public String clientKeyPem() {
    return clientKeyPem;
  }

  public Path caCertificateFile() {
    return dir.resolve("ca.pem");
  }

  public Path clientCertificateFile() {
    return dir.resolve("client.pem");
  }

  public Path clientKeyFile() {
    return dir.resolve("client.key");
  }

  Path keyStore() {
    return keyStore;
  }

  Path trustStore() {
    return trustStore;
  }

  String storePassword() {
    return storePassword;
  }

  private static X509Certificate issue(
      String subject,
      KeyPair subjectKeys,
      X509Certificate issuer,
      KeyPair issuerKeys,
      KeyPurposeId purpose)
      throws GeneralSecurityException, IOException, OperatorCreationException {
    Instant now = Instant.now();
    X500Name issuerName =
        issuer == null
            ? new X500Name(subject)
            : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuerName,
            new BigInteger(96, new SecureRandom()),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(2))),
            new X500Name(subject),
            subjectKeys.getPublic());
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    builder.addExtension(
        Extension.subjectKeyIdentifier,
        false,
        utils.createSubjectKeyIdentifier(subjectKeys.getPublic()));
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(issuer == null));
    if (issuer == null) {
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      if (purpose == KeyPurposeId.id_kp_serverAuth) {
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(
                new GeneralName[] {
                  new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                  new GeneralName(GeneralName.dNSName, "localhost")
                }));
      }
    }
    var signer = new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static void save(KeyStore store, Path file, String password)
      throws IOException, GeneralSecurityException {
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
  }

  private static String pem(X509Certificate certificate) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(certificate);
    }
    return out.toString();
  }
}
