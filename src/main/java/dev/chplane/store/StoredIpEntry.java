package dev.chplane.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.chplane.domain.IpAccessEntry;
import java.util.List;

/**
 * An IP access list entry as stored (in a service spec and in {@code api_keys.ip_access_list}).
 * {@code description} may be null or absent: the entry was sent without one.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"source", "description"})
record StoredIpEntry(
    @JsonProperty("source") String source, @JsonProperty("description") String description) {

  static StoredIpEntry from(IpAccessEntry e) {
    return new StoredIpEntry(e.source(), e.description());
  }

  static List<StoredIpEntry> fromList(List<IpAccessEntry> list) {
    return list.stream().map(StoredIpEntry::from).toList();
  }

  IpAccessEntry toDomain(String path) {
    return new IpAccessEntry(StoredFields.required(source, path + ".source"), description);
  }

  static List<IpAccessEntry> toDomainList(List<StoredIpEntry> list, String path) {
    return StoredFields.requiredList(list, path, StoredIpEntry::toDomain);
  }
}
