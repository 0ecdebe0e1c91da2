package dev.chplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Writes the official envelopes: {@code {status, requestId, result}} and {@code {status, error,
 * requestId}}.
 */
final class Envelope {
  static final String HANDLED = "chplane.enveloped";
  static final long MAX_BODY_BYTES = 4L * 1024 * 1024;
  private final ObjectMapper mapper;

  Envelope(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  void ok(Context ctx, JsonNode result) {
    ObjectNode body = mapper.createObjectNode();
    body.put("status", 200);
    body.put("requestId", RequestContext.requestId(ctx));
    if (result != null) {
      body.set("result", result);
    }
    write(ctx, 200, body);
  }

  void error(Context ctx, ErrorCode code, String message) {
    ObjectNode body = mapper.createObjectNode();
    body.put("status", code.httpStatus());
    body.put("error", code.name() + ": " + message);
    body.put("requestId", RequestContext.requestId(ctx));
    write(ctx, code.httpStatus(), body);
  }

  /** The request body as an object; an empty body counts as {@code {}}. */
  JsonBody body(Context ctx) {
    String text;
    try {
      text = utf8(ctx.bodyAsBytes());
    } catch (HttpResponseException e) {
      if (e.getStatus() == 413) {
        throw ApiException.badRequest(
            "request body is too large (over the API's limit of "
                + MAX_BODY_BYTES / (1024 * 1024)
                + " MiB)");
      }
      throw e;
    }
    if (text.isBlank()) {
      return new JsonBody(mapper.createObjectNode(), "");
    }
    JsonNode node;
    try {
      // one JSON value and nothing after it: '{...} x' is malformed, not '{...}'
      node = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("request body is not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("request body must be a JSON object");
    }
    return new JsonBody((ObjectNode) node, "");
  }

  /**
   * The body decoded strictly: JSON is UTF-8, and a malformed byte is a 400, never a U+FFFD stored
   * in a name.
   */
  private static String utf8(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      return decoder.decode(in).toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest(
          "request body is not valid UTF-8 (malformed bytes at or after byte offset "
              + in.position()
              + ")");
    }
  }

  private void write(Context ctx, int status, ObjectNode body) {
    ctx.attribute(HANDLED, Boolean.TRUE);
    ctx.status(status);
    ctx.contentType("application/json");
    try {
      ctx.result(mapper.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree is always writable", e);
    }
  }
}
