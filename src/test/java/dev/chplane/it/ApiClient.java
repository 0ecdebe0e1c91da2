package dev.chplane.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A plain HTTP client for chplane's API, as a script or the Terraform provider would call it. */
public final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private final String authorization;

  /** A response: the HTTP status and the parsed body. */
  public record Response(int status, JsonNode body) {
    public JsonNode result() {
      return body.get("result");
    }

    public String error() {
      return body.path("error").asText();
    }
  }

  /**
   * A response read as text (e.g. Prometheus metrics): the HTTP status, its Content-Type and the
   * body.
   */
  public record TextResponse(int status, String contentType, String body) {}

  public ApiClient(int port, String keyId, String keySecret) {
    this.base = "http://127.0.0.1:" + port;
    this.authorization =
        keyId == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString((keyId + ":" + keySecret).getBytes(StandardCharsets.UTF_8));
  }

  public Response get(String path) {
    return send("GET", path, null);
  }

  /** A GET whose answer is kept as text, not parsed. */
  public TextResponse getText(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new TextResponse(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response post(String path, String json) {
    return send("POST", path, json);
  }

  public Response patch(String path, String json) {
    return send("PATCH", path, json);
  }

  public Response delete(String path) {
    return send("DELETE", path, null);
  }

  public Response send(String method, String path, String json) {
    return sendBytes(method, path, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
  }

  /** A request whose body is exactly {@code body} (which need not be valid UTF-8). */
  public Response sendBytes(String method, String path, byte[] body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) {
      request.header("Content-Type", "application/json; charset=utf-8");
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), JSON.readTree(response.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
