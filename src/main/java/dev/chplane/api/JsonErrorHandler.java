package dev.chplane.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Answers the requests that Jetty refuses before chplane's routes see them (a URL or headers over
 * Jetty's limits, a path with {@code %00} or an ambiguous segment) with the official error envelope
 * instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
  private final ObjectMapper mapper;

  JsonErrorHandler(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    return ByteBuffer.wrap(body(status, reason));
  }

  @Override
  protected void generateAcceptableResponse(
      Request baseRequest,
      HttpServletRequest request,
      HttpServletResponse response,
      int code,
      String message)
      throws IOException {
    baseRequest.setHandled(true);
    response.setContentType("application/json");
    response.getOutputStream().write(body(code, message));
  }

  private byte[] body(int status, String reason) {
    ObjectNode body = mapper.createObjectNode();
    body.put("status", status);
    body.put(
        "error",
        (status == 400 ? "BAD_REQUEST: " : "")
            + "the request was refused before it reached the API"
            + (reason == null || reason.isBlank() ? "" : ": " + reason));
    body.put("requestId", UUID.randomUUID().toString());
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }
}
