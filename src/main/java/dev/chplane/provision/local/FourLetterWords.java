package dev.chplane.provision.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ZooKeeper's four-letter words ({@code srvr}) over a plain socket. */
final class FourLetterWords {
  private static final Pattern MODE = Pattern.compile("(?m)^Mode: (\\w+)");

  private FourLetterWords() {}

  /**
   * The node's mode from {@code srvr}: {@code standalone}, {@code leader} or {@code follower} once
   * it serves; empty while it does not answer or does not serve yet.
   */
  static Optional<String> mode(String host, int port, Duration timeout) {
    try {
      Matcher m = MODE.matcher(ask(host, port, "srvr", timeout));
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The node's whole answer to {@code word}. */
  static String ask(String host, int port, String word, Duration timeout) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(word.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
