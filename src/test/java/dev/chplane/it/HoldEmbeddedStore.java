package dev.chplane.it;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

/**
 * A program other than chplane that holds a data directory's embedded store open (as the H2 console
 * would) until its standard input closes: {@code HoldEmbeddedStore DATA_DIR}. It prints {@code
 * holding} once the database is open.
 */
public final class HoldEmbeddedStore {
  private HoldEmbeddedStore() {}

  public static void main(String[] args) throws Exception {
    String url = "jdbc:h2:file:" + Path.of(args[0]).toAbsolutePath().resolve("meta/chplane");
    try (Connection c = DriverManager.getConnection(url, "chplane", "")) {
      System.out.println("holding");
      System.out.flush();
      while (System.in.read() >= 0) {
        // held until the test closes our input
      }
    }
  }
}
