package dev.chplane.backup;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Backup storage in an S3 bucket (AWS or any S3-compatible server), named by {@code
 * s3://bucket/prefix?endpoint=http://host:port&region=us-east-1}. Credentials come from the
 * standard AWS places (environment variables, system properties, profiles), never from the URL. An
 * object is durable once S3 acknowledges the put.
 */
public final class S3Storage implements BackupStorage, AutoCloseable {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final String description;

  private S3Storage(S3Client s3, String bucket, String prefix, String description) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.description = description;
  }

  /**
   * @param url {@code s3://bucket[/prefix][?endpoint=…&region=…]}
   */
  public static S3Storage open(String url) {
    URI uri = URI.create(url);
    String bucket = uri.getHost();
    if (!"s3".equals(uri.getScheme()) || bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("backup storage '" + url + "' is not s3://bucket/prefix");
    }
    Map<String, String> params = query(uri.getRawQuery());
    String path =
        uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+", "").replaceAll("/+$", "");
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .region(Region.of(params.getOrDefault("region", "us-east-1")));
    if (params.containsKey("endpoint")) {
      // S3-compatible servers generally want path-style addressing
      builder.endpointOverride(URI.create(params.get("endpoint"))).forcePathStyle(true);
    }
    String description =
        "s3://"
            + bucket
            + "/"
            + path
            + (params.containsKey("endpoint") ? " at " + params.get("endpoint") : "");
    return new S3Storage(builder.build(), bucket, path.isEmpty() ? "" : path + "/", description);
  }

  @Override
  public void putFile(String key, Path source) throws IOException {
    call(() -> s3.putObject(b -> b.bucket(bucket).key(prefix + key), RequestBody.fromFile(source)));
  }

  @Override
  public void putBytes(String key, byte[] data) throws IOException {
    call(() -> s3.putObject(b -> b.bucket(bucket).key(prefix + key), RequestBody.fromBytes(data)));
  }

  @Override
  public void getFile(String key, Path target) throws IOException {
    call(() -> s3.getObject(b -> b.bucket(bucket).key(prefix + key), target));
  }

  @Override
  public byte[] getBytes(String key) throws IOException {
    return call(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + key)).asByteArray());
  }

  @Override
  public boolean exists(String key) throws IOException {
    try {
      s3.headObject(b -> b.bucket(bucket).key(prefix + key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw new IOException("S3 " + description + ": " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new IOException("S3 " + description + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> list(String keyPrefix) throws IOException {
    return call(
        () -> {
          List<String> out = new ArrayList<>();
          for (S3Object o :
              s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + keyPrefix))
                  .contents()) {
            out.add(o.key().substring(prefix.length()));
          }
          return out;
        });
  }

  @Override
  public void delete(String key) throws IOException {
    call(() -> s3.deleteObject(b -> b.bucket(bucket).key(prefix + key)));
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    s3.close();
  }

  private interface S3Call<T> {
    T run();
  }

  private <T> T call(S3Call<T> call) throws IOException {
    try {
      return call.run();
    } catch (SdkException e) {
      throw new IOException("S3 " + description + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
