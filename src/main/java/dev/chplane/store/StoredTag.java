package dev.chplane.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.chplane.domain.Tag;

/**
 * A resource tag as stored in a service spec; {@code value} may be null or absent (a key-only tag).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"key", "value"})
record StoredTag(@JsonProperty("key") String key, @JsonProperty("value") String value) {

  static StoredTag from(Tag t) {
    return new StoredTag(t.key(), t.value());
  }

  Tag toDomain(String path) {
    return new Tag(StoredFields.required(key, path + ".key"), value);
  }
}
