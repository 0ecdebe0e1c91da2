package dev.chplane.store;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The checks made while a stored JSON value is mapped back to a domain value: a field the domain
 * needs that is absent or null fails with a {@link StoreException} naming it (its path from the
 * stored value's root, for example {@code serviceSpec.ipAccessList[1].source}), instead of becoming
 * a null the domain does not expect.
 */
final class StoredFields {
  private StoredFields() {}

  static <T> T required(T value, String path) {
    if (value == null) {
      throw new StoreException("the required field '" + path + "' is absent or null");
    }
    return value;
  }

  /** A required list whose elements are required too, each mapped with its own path. */
  static <S, T> List<T> requiredList(
      List<S> values, String path, BiFunction<S, String, T> toDomain) {
    required(values, path);
    List<T> out = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      String at = path + "[" + i + "]";
      out.add(toDomain.apply(required(values.get(i), at), at));
    }
    return out;
  }

  /** A required list of strings none of which is null. */
  static List<String> requiredStrings(List<String> values, String path) {
    return requiredList(values, path, (s, at) -> s);
  }
}
