package dev.ramp.engine.rehearsal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The small HTTP service of `ramp demo` that its webhook step calls, as a change-management gate
 * would be: {@code POST /gate/checks} opens a check (201, Location of its status), and {@code GET
 * /gate/checks/N} answers {@code {"result": null}} for the first polls, then {@code "APPROVED"} —
 * or {@code "REJECTED"} when the gate is set to refuse. Listens on 127.0.0.1 only.
 */
public final class DemoGate implements AutoCloseable {

  private final HttpServer server;
  private final boolean approve;
  private final int pendingPolls;
  private final Consumer<String> log;
  private final AtomicInteger nextId = new AtomicInteger(1);
  private final Map<Integer, AtomicInteger> polls = new ConcurrentHashMap<>();

  public DemoGate(boolean approve, int pendingPolls, Consumer<String> log) {
    this.approve = approve;
    this.pendingPolls = pendingPolls;
    this.log = log;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the demo gate: " + e.getMessage(), e);
    }
    server.setExecutor(
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "ramp-demo-gate");
              t.setDaemon(true);
              return t;
            }));
    server.createContext("/gate/checks", this::handle);
    server.start();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    if (exchange.getRequestMethod().equals("POST") && path.equals("/gate/checks")) {
      int id = nextId.getAndIncrement();
      polls.put(id, new AtomicInteger());
      log.accept("gate: check " + id + " opened (Idempotency-Key " + key + ")");
      exchange.getResponseHeaders().add("Location", "/gate/checks/" + id);
      send(exchange, 201, "{\"id\":" + id + "}");
      return;
    }
    if (exchange.getRequestMethod().equals("GET") && path.startsWith("/gate/checks/")) {
      AtomicInteger count;
      try {
        count = polls.get(Integer.parseInt(path.substring("/gate/checks/".length())));
      } catch (NumberFormatException e) {
        count = null;
      }
      if (count == null) {
        send(exchange, 404, "{\"error\":\"no such check\"}");
        return;
      }
      int n = count.incrementAndGet();
      String result = n <= pendingPolls ? "null" : approve ? "\"APPROVED\"" : "\"REJECTED\"";
      if (n == pendingPolls + 1) {
        log.accept("gate: " + (approve ? "approved" : "rejected") + " " + path);
      }
      send(exchange, 200, "{\"result\":" + result + "}");
      return;
    }
    send(exchange, 404, "{\"error\":\"unknown path\"}");
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
