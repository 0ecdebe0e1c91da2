package dev.chplane.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.domain.IpAccessEntry;
import dev.chplane.domain.PipeSpec;
import dev.chplane.domain.ServiceSpec;
import dev.chplane.json.JsonMappers;
import java.util.List;

/** Turns the structured values kept as JSON text (a service spec, an IP list) into text and back. */
final class SpecCodec {
  private final ObjectMapper mapper =
      JsonMappers.stored();

  String write(ServiceSpec spec) {
    try {
      return mapper.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a service spec is always serialisable", e);
    }
  }

  String writeIpList(List<IpAccessEntry> list) {
    try {
      return mapper.writeValueAsString(list);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an IP list is always serialisable", e);
    }
  }

  List<IpAccessEntry> readIpList(String json) {
    try {
      return List.of(mapper.readValue(json, IpAccessEntry[].class));
    } catch (JsonProcessingException e) {
      throw new StoreException("stored IP access list is not readable: " + e.getOriginalMessage(), e);
    }
  }

  String writePipe(PipeSpec spec) {
    try {
      return mapper.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a pipe spec is always serialisable", e);
    }
  }

  PipeSpec readPipe(String json) {
    try {
      return mapper.readValue(json, PipeSpec.class);
    } catch (JsonProcessingException e) {
      throw new StoreException("stored pipe spec is not readable: " + e.getOriginalMessage(), e);
    }
  }

  ServiceSpec read(String json) {
    try {
      return mapper.readValue(json, ServiceSpec.class);
    } catch (JsonProcessingException e) {
      throw new StoreException("stored service spec is not readable: " + e.getOriginalMessage(), e);
    }
  }
}
