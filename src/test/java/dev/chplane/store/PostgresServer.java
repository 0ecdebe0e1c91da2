package dev.chplane.store;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server for tests. With {@code CHPLANE_TEST_POSTGRES_URL} set, that server; otherwise
 * a throwaway cluster made with Debian's {@code initdb} and {@code pg_ctl} in a temporary
 * directory, on a free port, trusting local connections. {@link #createDatabase()} makes a fresh
 * database; {@link #close()} drops the databases it made on an external server, or stops the
 * throwaway cluster at once and deletes its directory.
 */
public final class PostgresServer implements AutoCloseable {
  static final String URL_ENV = "CHPLANE_TEST_POSTGRES_URL";

  private final PostgresUrl admin;
  private final Cluster cluster;
  private final List<String> databases = new ArrayList<>();

  private PostgresServer(PostgresUrl admin, Cluster cluster) {
    this.admin = admin;
    this.cluster = cluster;
  }

  public static PostgresServer start() {
    String external = System.getenv(URL_ENV);
    if (external != null && !external.isBlank()) {
      return new PostgresServer(PostgresUrl.parse(external.strip()), null);
    }
    Cluster cluster = Cluster.start();
    return new PostgresServer(
        PostgresUrl.parse("postgresql://postgres@127.0.0.1:" + cluster.port + "/postgres"),
        cluster);
  }

  /**
   * Creates an empty database and returns its URL, as {@code --store} takes it (password included).
   */
  public String createDatabase() {
    String name = "chplane_test_" + UUID.randomUUID().toString().replace("-", "");
    execute("CREATE DATABASE " + name);
    databases.add(name);
    String userInfo =
        admin.user() == null
            ? ""
            : encode(admin.user())
                + (admin.password() == null ? "" : ":" + encode(admin.password()))
                + "@";
    return PostgresUrl.SCHEME + userInfo + admin.withDatabase(name).location();
  }

  /** Deletes every row of every table in the database at {@code url}, except Flyway's history. */
  public void emptyDatabase(String url) {
    PostgresUrl target = PostgresUrl.parse(url);
    try (Connection c =
            DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
        Statement st = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT tablename FROM pg_tables"
                  + " WHERE schemaname = current_schema() AND tablename <> 'flyway_schema_history'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      if (!tables.isEmpty()) {
        st.execute("TRUNCATE " + String.join(", ", tables) + " CASCADE");
      }
    } catch (SQLException e) {
      throw new StoreException(
          "test PostgreSQL: cannot empty " + target + ": " + e.getMessage(), e);
    }
  }

  private void execute(String sql) {
    try (Connection c =
            DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new StoreException("test PostgreSQL: " + sql + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (cluster != null) {
      cluster.stop();
      return;
    }
    for (String name : databases) {
      execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * A cluster of this machine's PostgreSQL binaries, run as user postgres when the tests run as
   * root.
   */
  private static final class Cluster {
    private final Path dir;
    private final Path binaries;
    private final List<String> runAs;
    private final int port;

    private Cluster(Path dir, Path binaries, List<String> runAs, int port) {
      this.dir = dir;
      this.binaries = binaries;
      this.runAs = runAs;
      this.port = port;
    }

    static Cluster start() {
      Path binaries =
          binaries()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "PostgreSQL server programs (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin."
                              + " Install them with: apt-get install postgresql (or set "
                              + URL_ENV
                              + " to a server's URL)"));
      Path dir;
      List<String> runAs;
      try {
        dir = Files.createTempDirectory("chplane-pg-");
        // initdb refuses to run as root: the cluster belongs to user postgres then
        if (isRoot()) {
          UserPrincipal postgres =
              dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
          Files.setOwner(dir, postgres);
          runAs = List.of("runuser", "-u", "postgres", "--");
        } else {
          runAs = List.of();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot prepare a directory for a test PostgreSQL cluster", e);
      }
      Cluster cluster = new Cluster(dir, binaries, runAs, freePort());
      try {
        cluster.initAndStart();
        return cluster;
      } catch (RuntimeException e) {
        cluster.stop();
        throw e;
      }
    }

    private void initAndStart() {
      Path data = dir.resolve("data");
      run(
          "initdb",
          "-D",
          data.toString(),
          "-U",
          "postgres",
          "--auth=trust",
          "-E",
          "UTF8",
          "--no-sync");
      String settings =
          String.join(
              "\n",
              "listen_addresses = '127.0.0.1'",
              "port = " + port,
              "unix_socket_directories = '" + dir + "'",
              "fsync = off",
              "");
      try {
        Files.writeString(data.resolve("postgresql.conf"), settings, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      run(
          "pg_ctl",
          "-D",
          data.toString(),
          "-l",
          dir.resolve("postgresql.log").toString(),
          "-w",
          "-t",
          "60",
          "start");
    }

    void stop() {
      Path data = dir.resolve("data");
      try {
        if (Files.exists(data.resolve("postmaster.pid"))) {
          run("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
        }
      } finally {
        dev.chplane.it.TestInstallation.deleteTree(dir);
      }
    }

    private void run(String program, String... args) {
      List<String> command = new ArrayList<>(runAs);
      command.add(binaries.resolve(program).toString());
      command.addAll(List.of(args));
      File output = dir.resolve(program + ".out").toFile();
      try {
        // output to a file, not a pipe: the server that pg_ctl starts would keep a pipe open
        Process p =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output)
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(program + " did not finish in 120 s");
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException(
              String.join(" ", command)
                  + " failed (exit "
                  + p.exitValue()
                  + "):\n"
                  + Files.readString(output.toPath())
                  + readLog());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot run " + command, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while running " + program, e);
      }
    }

    private String readLog() throws IOException {
      Path log = dir.resolve("postgresql.log");
      return Files.exists(log) ? "server log:\n" + Files.readString(log) : "";
    }

    /** The bin directory of the newest PostgreSQL installed from Debian's packages. */
    private static Optional<Path> binaries() {
      Path root = Path.of("/usr/lib/postgresql");
      if (!Files.isDirectory(root)) {
        return Optional.empty();
      }
      try (Stream<Path> versions = Files.list(root)) {
        return versions
            .map(v -> v.resolve("bin"))
            .filter(
                bin ->
                    Files.isExecutable(bin.resolve("initdb"))
                        && Files.isExecutable(bin.resolve("pg_ctl")))
            .max(Comparator.comparingDouble(Cluster::majorVersion));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static double majorVersion(Path bin) {
      try {
        return Double.parseDouble(bin.getParent().getFileName().toString());
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    private static boolean isRoot() throws IOException {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    private static int freePort() {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
