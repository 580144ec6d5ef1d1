package dev.ramp.plugins.nginx;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/** An upstream on 127.0.0.1 that answers its name and counts what it gets. */
final class Backend implements AutoCloseable {
  final String name;
  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();

  Backend(String name) throws IOException {
    this.name = name;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", this::serve);
    server.setExecutor(pool);
    server.start();
  }

  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  private void serve(HttpExchange exchange) throws IOException {
    inFlight.incrementAndGet();
    try {
      exchange.getRequestBody().readAllBytes();
      requests.incrementAndGet();
      byte[] body = name.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } finally {
      inFlight.decrementAndGet();
    }
  }

  long requests() {
    return requests.get();
  }

  void reset() {
    requests.set(0);
  }

  /** The count once it stopped moving: nothing in flight and the same at two polls in a row. */
  long settled() {
    long[] last = {-1};
    return await("the requests to " + name + " stop coming")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              long now = requests.get();
              boolean still = now == last[0] && inFlight.get() == 0;
              last[0] = now;
              return still ? now : null;
            },
            v -> v != null);
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
