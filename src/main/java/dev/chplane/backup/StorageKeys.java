package dev.chplane.backup;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The layout of backup storage. Parts are stored once per chain under a name that includes a
 * fingerprint of their content, so an incremental backup finds what its chain holds already:
 *
 * <pre>
 *   services/&lt;service&gt;/chains/&lt;chain&gt;/parts/&lt;db&gt;/&lt;table&gt;/&lt;part&gt;.&lt;fingerprint&gt;/&lt;file&gt;
 *   services/&lt;service&gt;/chains/&lt;chain&gt;/parts/&lt;db&gt;/&lt;table&gt;/&lt;part&gt;.&lt;fingerprint&gt;.complete
 *   backups/&lt;backup&gt;/manifest.json
 * </pre>
 *
 * A part counts as stored only when its {@code .complete} object exists, written after its files.
 */
final class StorageKeys {
  private StorageKeys() {}

  static String chain(UUID serviceId, UUID chainId) {
    return "services/" + serviceId + "/chains/" + chainId + "/";
  }

  static String part(
      UUID serviceId,
      UUID chainId,
      String database,
      String table,
      String part,
      String fingerprint) {
    return chain(serviceId, chainId)
        + "parts/"
        + encode(database)
        + "/"
        + encode(table)
        + "/"
        + encode(part)
        + "."
        + fingerprint;
  }

  static String complete(String partKey) {
    return partKey + ".complete";
  }

  static String manifest(UUID backupId) {
    return "backups/" + backupId + "/manifest.json";
  }

  private static String encode(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8);
  }
}
