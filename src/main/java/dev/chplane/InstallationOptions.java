package dev.chplane;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that name an installation: its data directory and its metadata store. */
final class InstallationOptions {
  @Option(
      names = "--data-dir",
      defaultValue = "${env:CHPLANE_DATA_DIR:-./chplane-data}",
      description =
          "Where chplane keeps everything (env CHPLANE_DATA_DIR; default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--store",
      defaultValue = "${env:CHPLANE_STORE:-embedded}",
      description =
          "Metadata store: embedded, or postgresql://user:password@host:5432/database (env CHPLANE_STORE; default ${DEFAULT-VALUE}).")
  String store;
}
