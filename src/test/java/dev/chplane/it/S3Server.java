package dev.chplane.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for tests: s3proxy (from Maven Central, copied to target/s3proxy by
 * the build) with its filesystem backend, as a child process on a free loopback port, with an empty
 * bucket {@link #BUCKET} whose credentials chplane in this JVM finds until {@link #close()}.
 */
final class S3Server implements AutoCloseable {
  static final String ACCESS_KEY = "local-identity";
  static final String SECRET_KEY = "local-credential";
  static final String BUCKET = "backups";

  private final Path dir;
  private final int port;
  private final Process process;

  S3Server() {
    try {
      dir = Files.createTempDirectory("chplane-s3-");
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path jar = Path.of("target/s3proxy/s3proxy.jar");
      if (!Files.exists(jar)) {
        throw new IllegalStateException(
            jar + " is missing: run the tests through Maven (bin/test), which copies it");
      }
      Files.createDirectories(dir.resolve("data"));
      Path conf = dir.resolve("s3proxy.conf");
      Files.writeString(
          conf,
          "s3proxy.endpoint="
              + endpoint()
              + "\ns3proxy.authorization=aws-v2-or-v4\n"
              + "s3proxy.identity="
              + ACCESS_KEY
              + "\ns3proxy.credential="
              + SECRET_KEY
              + "\n"
              + "jclouds.provider=filesystem\njclouds.filesystem.basedir="
              + dir.resolve("data")
              + "\n");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      process =
          new ProcessBuilder(
                  java, "-Xmx256m", "-jar", jar.toString(), "--properties", conf.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("s3proxy.log").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              try (Socket ignored = new Socket("127.0.0.1", port)) {
                return true;
              } catch (IOException e) {
                return false;
              }
            });
    try (S3Client client = client()) {
      client.createBucket(b -> b.bucket(BUCKET));
    }
    // chplane reads S3 credentials from the standard AWS places; system properties are one of them
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
  }

  /**
   * chplane's {@code --backup-storage}: prefix {@code chplane} of the bucket, reached at {@code
   * port}.
   */
  static String backupStorage(int port) {
    return "s3://" + BUCKET + "/chplane?endpoint=http://127.0.0.1:" + port + "&region=us-east-1";
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The keys of every object in the bucket. */
  List<String> keys() {
    try (S3Client client = client()) {
      return client.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream()
          .map(o -> o.key())
          .toList();
    }
  }

  int port() {
    return port;
  }

  S3Client client() {
    return S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .region(Region.US_EAST_1)
        .endpointOverride(URI.create(endpoint()))
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  @Override
  public void close() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    process.destroyForcibly();
    TestInstallation.deleteTree(dir);
  }
}
