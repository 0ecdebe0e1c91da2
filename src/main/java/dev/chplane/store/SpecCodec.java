package dev.chplane.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chplane.domain.ServiceSpec;

/** Turns a {@link ServiceSpec} into the JSON text kept in the {@code services.spec} column and back. */
final class SpecCodec {
  private final ObjectMapper mapper =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  String write(ServiceSpec spec) {
    try {
      return mapper.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a service spec is always serialisable", e);
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
