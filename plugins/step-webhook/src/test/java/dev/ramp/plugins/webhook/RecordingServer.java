package dev.ramp.plugins.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1 that answers each path with the replies queued for it (the last
 * one repeats) and records every request it gets.
 */
final class RecordingServer implements AutoCloseable {

  /** A request as the server saw it. */
  record Recorded(String method, URI uri, Map<String, List<String>> headers, String body) {

    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  private record Reply(int status, String body, String[] headers, boolean hang) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Deque<Reply>> replies = new ConcurrentHashMap<>();
  private final List<Recorded> requests = new ArrayList<>();
  private final CountDownLatch released = new CountDownLatch(1);

  private RecordingServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static RecordingServer start() throws IOException {
    return new RecordingServer();
  }

  /** Queues a reply for a path; {@code headers} are name, value pairs. */
  RecordingServer reply(String path, int status, String body, String... headers) {
    replies
        .computeIfAbsent(path, p -> new ArrayDeque<>())
        .add(new Reply(status, body, headers, false));
    return this;
  }

  /** Answers a path only when the server closes: a backend that hangs. */
  RecordingServer hang(String path) {
    replies
        .computeIfAbsent(path, p -> new ArrayDeque<>())
        .add(new Reply(0, "", new String[0], true));
    return this;
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  synchronized List<Recorded> requests() {
    return List.copyOf(requests);
  }

  Recorded last() {
    List<Recorded> all = requests();
    return all.get(all.size() - 1);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    synchronized (this) {
      requests.add(
          new Recorded(
              exchange.getRequestMethod(),
              exchange.getRequestURI(),
              Map.copyOf(exchange.getRequestHeaders()),
              body));
    }
    Deque<Reply> queue = replies.get(exchange.getRequestURI().getPath());
    Reply reply;
    synchronized (this) {
      reply =
          queue == null
              ? new Reply(
                  404, "no reply queued for " + exchange.getRequestURI(), new String[0], false)
              : queue.size() > 1 ? queue.poll() : queue.peek();
    }
    if (reply.hang()) {
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    for (int i = 0; i + 1 < reply.headers().length; i += 2) {
      exchange.getResponseHeaders().add(reply.headers()[i], reply.headers()[i + 1]);
    }
    byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
