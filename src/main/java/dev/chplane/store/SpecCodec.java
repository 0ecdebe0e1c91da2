package dev.chplane.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.chplane.domain.IpAccessEntry;
import dev.chplane.domain.PipeSpec;
import dev.chplane.domain.ServiceSpec;
import dev.chplane.json.JsonMappers;
import java.util.List;
import java.util.function.Function;

/**
 * Turns the structured values kept as JSON text (a service spec, an IP list, a pipe spec) into text
 * and back, through the store's own records ({@link StoredServiceSpec}, {@link StoredIpEntry},
 * {@link StoredPipeSpec}), whose JSON names are pinned and checked by golden tests: a renamed
 * domain component changes a mapping that no longer compiles, never the stored text.
 *
 * <p>Reading is strict, and fails with a {@link StoreException} naming the field:
 *
 * <ul>
 *   <li>a field the stored record does not know (written by a newer chplane, or by hand) is
 *       refused, not ignored: each update writes the whole value back, so an ignored field would be
 *       dropped without a word. An older chplane on a store a newer one wrote is not supported;
 *       failing on the first such value is better than writing back less than was stored;
 *   <li>a field the domain requires that is absent or null is refused (see {@link StoredFields});
 *       fields the domain allows to be null may be absent and read as null (not set).
 * </ul>
 *
 * The mapper is {@link JsonMappers#strict()}; a change of the shared configuration that changed
 * what is stored would fail the golden tests of the stored JSON.
 */
final class SpecCodec {
  private static final TypeReference<List<StoredIpEntry>> IP_LIST = new TypeReference<>() {};

  private final ObjectMapper mapper = JsonMappers.strict();

  String write(ServiceSpec spec) {
    return write(StoredServiceSpec.from(spec), "a service spec");
  }

  ServiceSpec read(String json) {
    return read(json, "service spec", StoredServiceSpec.class, StoredServiceSpec::toDomain);
  }

  String writeIpList(List<IpAccessEntry> list) {
    return write(StoredIpEntry.fromList(list), "an IP list");
  }

  List<IpAccessEntry> readIpList(String json) {
    return read(
        json,
        "IP access list",
        IP_LIST,
        stored -> StoredIpEntry.toDomainList(stored, "ipAccessList"));
  }

  String writePipe(PipeSpec spec) {
    return write(StoredPipeSpec.from(spec), "a pipe spec");
  }

  PipeSpec readPipe(String json) {
    return read(json, "pipe spec", StoredPipeSpec.class, StoredPipeSpec::toDomain);
  }

  private String write(Object stored, String what) {
    try {
      return mapper.writeValueAsString(stored);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(what + " is always serialisable", e);
    }
  }

  private <S, T> T read(String json, String what, Class<S> type, Function<S, T> toDomain) {
    try {
      return mapped(mapper.readValue(json, type), what, toDomain);
    } catch (JsonProcessingException e) {
      throw unreadable(what, e);
    }
  }

  private <S, T> T read(String json, String what, TypeReference<S> type, Function<S, T> toDomain) {
    try {
      return mapped(mapper.readValue(json, type), what, toDomain);
    } catch (JsonProcessingException e) {
      throw unreadable(what, e);
    }
  }

  private static <S, T> T mapped(S stored, String what, Function<S, T> toDomain) {
    if (stored == null) {
      throw new StoreException("stored " + what + " is not readable: it is JSON null");
    }
    try {
      return toDomain.apply(stored);
    } catch (StoreException e) {
      throw new StoreException("stored " + what + " is not readable: " + e.getMessage(), e);
    }
  }

  private static StoreException unreadable(String what, JsonProcessingException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      return new StoreException(
          "stored "
              + what
              + " is not readable: it has the field '"
              + path(u)
              + "', which this chplane does not know (written by a newer chplane?)",
          e);
    }
    return new StoreException("stored " + what + " is not readable: " + e.getOriginalMessage(), e);
  }

  /** The path of the field a mapping exception is about, as {@code a.b[2].c}. */
  private static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        out.append(out.length() == 0 ? "" : ".").append(r.getFieldName());
      } else {
        out.append('[').append(r.getIndex()).append(']');
      }
    }
    return out.toString();
  }
}
