package dev.ramp.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The web provider against a local HTTP server on 127.0.0.1, with its failure modes. */
class WebProviderIT {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A request as the server saw it. */
  record Seen(String method, String path, String contentType, String auth, String body) {}

  private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
  private final CountDownLatch releaseSlow = new CountDownLatch(1);
  private ExecutorService threads;
  private HttpServer server;
  private String base;
  private MetricProviders providers;
  private final MetricArgs args =
      MetricArgs.of(Map.of("service", "checkout")).withSecret("token", "tok-123");

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    threads = Executors.newCachedThreadPool();
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    providers = MetricProviders.create(() -> Instant.EPOCH);
  }

  @AfterEach
  void stop() throws InterruptedException {
    releaseSlow.countDown();
    server.stop(0);
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] in = ex.getRequestBody().readAllBytes();
    String path = ex.getRequestURI().toString();
    seen.add(
        new Seen(
            ex.getRequestMethod(),
            path,
            ex.getRequestHeaders().getFirst("Content-Type"),
            ex.getRequestHeaders().getFirst("Authorization"),
            new String(in, StandardCharsets.UTF_8)));
    if (path.startsWith("/json")) {
      answer(ex, 200, "{\"data\":{\"ok\":true,\"successPercent\":0.95,\"hits\":[3,4]}}");
    } else if (path.startsWith("/echo")) {
      answer(ex, 200, "{\"received\":" + new String(in, StandardCharsets.UTF_8) + "}");
    } else if (path.startsWith("/plain")) {
      answer(ex, 200, "I am OK");
    } else if (path.startsWith("/moved")) {
      ex.getResponseHeaders().set("Location", "/json");
      answer(ex, 302, "");
    } else if (path.startsWith("/unavailable")) {
      answer(ex, 503, "down for maintenance");
    } else if (path.startsWith("/garbage")) {
      answer(ex, 200, "{\"data\": {\"ok\": tru");
    } else if (path.startsWith("/huge")) {
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < 80; i++) {
          out.write(chunk);
        }
      } catch (IOException e) {
        // the client stopped reading: as expected
      }
    } else if (path.startsWith("/slow")) {
      try {
        releaseSlow.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      answer(ex, 200, "{\"late\":true}");
    } else {
      answer(ex, 404, "no such page");
    }
  }

  private static void answer(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private MetricResult measure(Map<String, Object> web) {
    JsonNode provider = JSON.valueToTree(Map.of("web", web));
    return providers.measure(provider, args);
  }

  @Test
  void getWithHeadersAndAJsonPath() throws Exception {
    MetricResult r =
        measure(
            Map.of(
                "url",
                base + "/json?service={{ args.service }}",
                "headers",
                java.util.List.of(Map.of("key", "Authorization", "value", "Bearer {{args.token}}")),
                "jsonPath",
                "{$.data}"));
    assertThat(r.successful()).as(r.message()).isTrue();
    assertThat(r.value().path("ok").booleanValue()).isTrue();
    assertThat(r.value().path("successPercent").doubleValue()).isEqualTo(0.95);
    assertThat(r.text()).isEqualTo("{\"ok\":true,\"successPercent\":0.95,\"hits\":[3,4]}");
    Seen s = seen.poll(5, TimeUnit.SECONDS);
    assertThat(s).isEqualTo(new Seen("GET", "/json?service=checkout", null, "Bearer tok-123", ""));

    MetricResult one = measure(Map.of("url", base + "/json", "jsonPath", "{$.data.hits[1]}"));
    assertThat(one.value().intValue()).isEqualTo(4);
  }

  @Test
  void postAndPutWithAJsonBodyOrAStringBody() throws Exception {
    MetricResult r =
        measure(
            Map.of(
                "url",
                base + "/echo",
                "method",
                "POST",
                "jsonBody",
                Map.of("service", "{{args.service}}", "n", 1),
                "jsonPath",
                "{$.received.service}"));
    assertThat(r.successful()).as(r.message()).isTrue();
    assertThat(r.value().textValue()).isEqualTo("checkout");
    Seen post = seen.poll(5, TimeUnit.SECONDS);
    assertThat(post.method()).isEqualTo("POST");
    assertThat(post.contentType()).isEqualTo("application/json");
    assertThat(JSON.readTree(post.body()))
        .isEqualTo(JSON.readTree("{\"service\":\"checkout\",\"n\":1}"));

    MetricResult put = measure(Map.of("url", base + "/echo", "method", "PUT", "body", "[1, 2]"));
    assertThat(put.value().toString()).isEqualTo("{\"received\":[1,2]}");
    assertThat(seen.poll(5, TimeUnit.SECONDS).method()).isEqualTo("PUT");
  }

  @Test
  void aBodyThatIsNotJsonIsAString() {
    MetricResult r = measure(Map.of("url", base + "/plain"));
    assertThat(r.successful()).isTrue();
    assertThat(r.value().isTextual()).isTrue();
    assertThat(r.value().textValue()).isEqualTo("I am OK");
  }

  @Test
  void aStatusOutside2xxIsAnError() {
    MetricResult r = measure(Map.of("url", base + "/unavailable"));
    assertThat(r.phase()).isEqualTo(MetricResult.Phase.ERROR);
    assertThat(r.message())
        .isEqualTo(
            "GET "
                + base
                + "/unavailable: received non 2xx response code: 503 (body: down for maintenance)");
    assertThat(measure(Map.of("url", base + "/missing")).message()).contains("response code: 404");
    assertThat(measure(Map.of("url", base + "/moved")).message())
        .isEqualTo("GET " + base + "/moved: received non 2xx response code: 302");
  }

  @Test
  void garbageJsonWithAJsonPathIsAnError() {
    MetricResult r = measure(Map.of("url", base + "/garbage", "jsonPath", "{$.data.ok}"));
    assertThat(r.phase()).isEqualTo(MetricResult.Phase.ERROR);
    assertThat(r.message())
        .startsWith(
            "GET " + base + "/garbage: the response is not JSON, so jsonPath cannot be applied: ")
        .contains("(body: {\"data\": {\"ok\": tru)");
  }

  @Test
  void aMissingFieldIsAnError() {
    MetricResult r = measure(Map.of("url", base + "/json", "jsonPath", "{$.data.latency}"));
    assertThat(r.message()).isEqualTo("Could not find JSONPath in body: latency is not found");
  }

  @Test
  void aServerThatIsDownIsAnError() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = free.getLocalPort();
    }
    MetricResult r = measure(Map.of("url", "http://127.0.0.1:" + port + "/x?t={{args.token}}"));
    assertThat(r.phase()).isEqualTo(MetricResult.Phase.ERROR);
    assertThat(r.message())
        .startsWith("GET http://127.0.0.1:" + port + "/x?t=*****: connection refused")
        .doesNotContain("tok-123");
  }

  @Test
  void aServerSlowerThanTheTimeoutIsAnError() throws Exception {
    MetricResult r = measure(Map.of("url", base + "/slow", "timeoutSeconds", 1));
    assertThat(r.phase()).isEqualTo(MetricResult.Phase.ERROR);
    assertThat(r.message()).isEqualTo("GET " + base + "/slow: no answer within the timeout of 1s");
    assertThat(seen.poll(5, TimeUnit.SECONDS).path()).isEqualTo("/slow");
  }

  @Test
  void aBodyTooLargeIsAnError() {
    MetricResult r = measure(Map.of("url", base + "/huge"));
    assertThat(r.message())
        .isEqualTo("GET " + base + "/huge: response body larger than 4194304 bytes");
  }

  @Test
  void anUnknownArgIsAnErrorNamingIt() {
    MetricResult r = measure(Map.of("url", base + "/json?s={{args.servce}}"));
    assertThat(r.message())
        .isEqualTo(
            "failed to resolve {{args.servce}}: the run has no arg \"servce\" (its args: service, token)");
    assertThat(seen).isEmpty();
  }
}
