package dev.chplane.conformance;

import java.util.Set;

/** One API operation: a lower-case HTTP method and the path as the official document spells it. */
record Operation(String method, String path) {
  static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  static final String ORGS = "/v1/organizations";
  static final String ORG = ORGS + "/{organizationId}";
  static final String KEYS = ORG + "/keys";
  static final String KEY = KEYS + "/{keyId}";
  static final String SERVICES = ORG + "/services";
  static final String SERVICE = SERVICES + "/{serviceId}";

  static Operation get(String path) {
    return new Operation("get", path);
  }

  static Operation post(String path) {
    return new Operation("post", path);
  }

  static Operation patch(String path) {
    return new Operation("patch", path);
  }

  static Operation delete(String path) {
    return new Operation("delete", path);
  }

  /** The path with each {@code {param}} replaced, in order, by {@code args}. */
  String concrete(String... args) {
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (String arg : args) {
      int open = path.indexOf('{', from);
      if (open < 0) {
        throw new IllegalArgumentException("too many arguments for " + path);
      }
      out.append(path, from, open).append(arg);
      from = path.indexOf('}', open) + 1;
    }
    if (path.indexOf('{', from) >= 0) {
      throw new IllegalArgumentException("too few arguments for " + path);
    }
    return out.append(path.substring(from)).toString();
  }

  @Override
  public String toString() {
    return method.toUpperCase() + " " + path;
  }
}
