package dev.chplane.provision;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * ClickHouse's answer to one query, not read yet: its HTTP status, content type and body. The
 * caller reads or streams the body and closes it.
 */
public record QueryResponse(int status, String contentType, InputStream body)
    implements AutoCloseable {

  public boolean ok() {
    return status == 200;
  }

  /** The body as text, at most {@code maxBytes} of it (for error messages). */
  public String text(int maxBytes) {
    try (InputStream in = body) {
      return new String(in.readNBytes(maxBytes), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
