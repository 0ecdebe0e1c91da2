package dev.chplane.api;

import io.javalin.Javalin;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.List;

/**
 * The one routing table of the API. Every operation is registered here, which also records it, so
 * that chplane's own OpenAPI document lists exactly what is implemented.
 */
final class ApiRoutes {
  /** One implemented operation, with the path as the official document spells it. */
  record Operation(String method, String path) {}

  private final Javalin app;
  private final List<Operation> operations = new ArrayList<>();

  ApiRoutes(Javalin app) {
    this.app = app;
  }

  void get(String path, Handler handler) {
    operations.add(new Operation("get", path));
    app.get(path, handler);
  }

  void post(String path, Handler handler) {
    operations.add(new Operation("post", path));
    app.post(path, handler);
  }

  void patch(String path, Handler handler) {
    operations.add(new Operation("patch", path));
    app.patch(path, handler);
  }

  void put(String path, Handler handler) {
    operations.add(new Operation("put", path));
    app.put(path, handler);
  }

  void delete(String path, Handler handler) {
    operations.add(new Operation("delete", path));
    app.delete(path, handler);
  }

  List<Operation> operations() {
    return List.copyOf(operations);
  }
}
