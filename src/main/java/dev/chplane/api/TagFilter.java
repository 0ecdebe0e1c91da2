package dev.chplane.api;

import dev.chplane.domain.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code filter} query parameter of the services list: {@code tag:Key=Value} or {@code
 * tag:Key}, repeatable; a service must match every filter.
 */
record TagFilter(List<Tag> wanted) {

  static TagFilter parse(List<String> filters) {
    List<Tag> out = new ArrayList<>();
    for (String f : filters) {
      if (!f.startsWith("tag:") || f.length() == 4) {
        throw ApiException.badRequest(
            "filter: must be 'tag:Key=Value' or 'tag:Key', got '" + f + "'");
      }
      String body = f.substring(4);
      int eq = body.indexOf('=');
      out.add(
          eq < 0 ? new Tag(body, null) : new Tag(body.substring(0, eq), body.substring(eq + 1)));
    }
    return new TagFilter(List.copyOf(out));
  }

  boolean matches(List<Tag> tags) {
    for (Tag w : wanted) {
      boolean found =
          tags.stream()
              .anyMatch(
                  t ->
                      t.key().equals(w.key())
                          && (w.value() == null || Objects.equals(w.value(), t.value())));
      if (!found) {
        return false;
      }
    }
    return true;
  }
}
