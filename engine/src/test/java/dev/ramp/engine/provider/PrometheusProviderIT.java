package dev.ramp.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus provider against a real Prometheus (Debian's {@code prometheus}, started here on
 * 127.0.0.1 on a port it picks itself, scraping a target this test serves), and against a stub
 * standing in for Prometheus where a real one cannot show it (auth headers, garbage, slowness).
 */
class PrometheusProviderIT {
  static final Path PROMETHEUS = LocalPrometheus.PROMETHEUS;
  static final ObjectMapper JSON = new ObjectMapper();
  static final String METRICS =
      "# TYPE ramp_requests_total counter\n"
          + "ramp_requests_total{service=\"checkout\",code=\"200\"} 42\n"
          + "ramp_requests_total{service=\"cart\",code=\"200\"} 7\n"
          + "# TYPE ramp_ready gauge\n"
          + "ramp_ready{service=\"checkout\"} 1\n";

  @TempDir Path dir;
  private final List<HttpServer> servers = new ArrayList<>();
  private final CountDownLatch releaseSlow = new CountDownLatch(1);
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private LocalPrometheus prometheus;
  private final MetricProviders providers = MetricProviders.create(Instant::now);
  private final MetricArgs args =
      MetricArgs.of(Map.of("service", "checkout"))
          .withSecret("token", "tok-123")
          .withSecret("user", "grafana")
          .withSecret("password", "pa55");

  @AfterEach
  void stop() throws InterruptedException {
    stopPrometheus();
    releaseSlow.countDown();
    servers.forEach(s -> s.stop(0));
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private void stopPrometheus() throws InterruptedException {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  private HttpServer serve(com.sun.net.httpserver.HttpHandler handler) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.setExecutor(threads);
    s.createContext("/", handler);
    s.start();
    servers.add(s);
    return s;
  }

  private static void answer(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Starts Prometheus scraping a target every second; its address once the target is in. */
  private String startPrometheus() throws Exception {
    assumeTrue(Files.isExecutable(PROMETHEUS), "Debian's prometheus is not installed");
    HttpServer target = serve(ex -> answer(ex, 200, "text/plain; version=0.0.4", METRICS));
    prometheus = LocalPrometheus.start(dir, target.getAddress().getPort());
    String address = prometheus.address();
    await("Prometheus scraped the target")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              assertThat(prometheus.isAlive()).as(log()).isTrue();
              MetricResult r = measure(address, "ramp_ready", null);
              return r.successful() && r.value().size() == 1;
            });
    return address;
  }

  private String log() {
    return prometheus.log();
  }

  private MetricResult measure(String address, String query, Map<String, Object> more) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("address", address);
    spec.put("query", query);
    if (more != null) {
      spec.putAll(more);
    }
    JsonNode provider = JSON.valueToTree(Map.of("prometheus", spec));
    return providers.measure(provider, args);
  }

  @Test
  void anInstantVectorQueryWithArgs() throws Exception {
    String address = startPrometheus();
    MetricResult r =
        measure(address, "sum(ramp_requests_total{service=\"{{args.service}}\"})", null);
    assertThat(r.successful()).as(r.message()).isTrue();
    assertThat(r.value().toString()).isEqualTo("[42.0]");
    assertThat(r.text()).isEqualTo("[42]");
    assertThat(r.metadata())
        .containsEntry("ResolvedPrometheusQuery", "sum(ramp_requests_total{service=\"checkout\"})");

    MetricResult two = measure(address, "sort(ramp_requests_total)", null);
    assertThat(two.value().toString()).isEqualTo("[7.0,42.0]");
  }

  @Test
  void aScalarQuery() throws Exception {
    String address = startPrometheus();
    MetricResult r =
        measure(address, "scalar(sum(ramp_requests_total{service=\"{{args.service}}\"}))", null);
    assertThat(r.successful()).as(r.message()).isTrue();
    assertThat(r.value().isNumber()).isTrue();
    assertThat(r.value().doubleValue()).isEqualTo(42.0);
    MetricResult nan = measure(address, "0 / 0", null);
    assertThat(nan.value().doubleValue()).isNaN();
    assertThat(nan.text()).isEqualTo("NaN");
  }

  @Test
  void aRangeQueryIsOneFlatListOfValues() throws Exception {
    String address = startPrometheus();
    Map<String, Object> range =
        Map.of(
            "rangeQuery",
            Map.of("start", "now() - duration(\"30s\")", "end", "now()", "step", "1s"));
    MetricResult r = measure(address, "ramp_requests_total{service=\"{{args.service}}\"}", range);
    assertThat(r.successful()).as(r.message()).isTrue();
    assertThat(r.value().isArray()).isTrue();
    assertThat(r.value().size()).isPositive();
    r.value().forEach(v -> assertThat(v.doubleValue()).isEqualTo(42.0));

    MetricResult both = measure(address, "ramp_requests_total", range);
    assertThat(both.value().size()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void anEmptyResultIsAnEmptyList() throws Exception {
    String address = startPrometheus();
    MetricResult r = measure(address, "ramp_requests_total{service=\"nope\"}", null);
    assertThat(r.successful()).as(r.message()).isTrue();
    assertThat(r.value().isArray()).isTrue();
    assertThat(r.value().size()).isZero();
    assertThat(r.text()).isEqualTo("[]");
  }

  @Test
  void badPromQlIsAnErrorWithPrometheusText() throws Exception {
    String address = startPrometheus();
    MetricResult r = measure(address, "sum(ramp_requests_total{", null);
    assertThat(r.phase()).isEqualTo(MetricResult.Phase.ERROR);
    assertThat(r.message())
        .startsWith("prometheus " + address + "/api/v1/query: Prometheus answered 400: bad_data: ")
        .contains("parse error");
    assertThat(r.metadata()).containsEntry("ResolvedPrometheusQuery", "sum(ramp_requests_total{");
  }

  @Test
  void prometheusDownIsAnError() throws Exception {
    String address = startPrometheus();
    stopPrometheus();
    MetricResult r = measure(address, "ramp_ready", null);
    assertThat(r.phase()).isEqualTo(MetricResult.Phase.ERROR);
    assertThat(r.message())
        .startsWith("prometheus " + address + "/api/v1/query: connection refused");
  }

  /** A stand-in for Prometheus that records what it was sent and answers {@code body}. */
  private String stub(BlockingQueue<Map<String, String>> seen, int status, String body)
      throws IOException {
    HttpServer s =
        serve(
            ex -> {
              Map<String, String> got = new LinkedHashMap<>();
              got.put("path", ex.getRequestURI().getPath());
              got.put(
                  "form", new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
              ex.getRequestHeaders().forEach((k, v) -> got.put(k.toLowerCase(), v.get(0)));
              seen.add(got);
              answer(ex, status, "application/json", body);
            });
    return "http://127.0.0.1:" + s.getAddress().getPort();
  }

  static final String ONE =
      "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
          + "[{\"metric\":{},\"value\":[1,\"0.99\"]}]}}";

  @Test
  void bearerAndBasicAuthFromSecretArgsAreSentAndNeverShown() throws Exception {
    BlockingQueue<Map<String, String>> seen = new LinkedBlockingQueue<>();
    String address = stub(seen, 200, ONE);
    MetricResult bearer =
        measure(
            address,
            "up{service=\"{{args.service}}\"}",
            Map.of(
                "headers",
                List.of(
                    Map.of("key", "Authorization", "value", "Bearer {{args.token}}"),
                    Map.of("key", "X-Scope-OrgID", "value", "tenant_a"))));
    assertThat(bearer.value().toString()).isEqualTo("[0.99]");
    Map<String, String> got = seen.poll(5, TimeUnit.SECONDS);
    assertThat(got)
        .containsEntry("path", "/api/v1/query")
        .containsEntry("authorization", "Bearer tok-123")
        .containsEntry("x-scope-orgid", "tenant_a")
        .containsEntry("content-type", "application/x-www-form-urlencoded");
    assertThat(got.get("form")).startsWith("query=up%7Bservice%3D%22checkout%22%7D&time=");

    MetricResult basic =
        measure(
            address,
            "up",
            Map.of(
                "authentication",
                Map.of(
                    "basicAuth",
                    Map.of("username", "{{args.user}}", "password", "{{args.password}}"))));
    assertThat(basic.successful()).as(basic.message()).isTrue();
    String expected =
        "Basic "
            + Base64.getEncoder().encodeToString("grafana:pa55".getBytes(StandardCharsets.UTF_8));
    assertThat(seen.poll(5, TimeUnit.SECONDS)).containsEntry("authorization", expected);

    MetricResult leaked = measure(address, "up{t=\"{{args.token}}\"} {{args.nope}}", null);
    assertThat(leaked.message()).doesNotContain("tok-123").contains("no arg \"nope\"");
    MetricResult shown = measure(address, "up{t=\"{{args.token}}\"}", null);
    assertThat(shown.metadata()).containsEntry("ResolvedPrometheusQuery", "up{t=\"*****\"}");
  }

  @Test
  void garbageFromAStandInIsAnError() throws Exception {
    String address = stub(new LinkedBlockingQueue<>(), 502, "<html>Bad Gateway</html>");
    MetricResult r = measure(address, "up", null);
    assertThat(r.message())
        .isEqualTo(
            "prometheus "
                + address
                + "/api/v1/query: the answer (status 502) is not Prometheus' API JSON"
                + " (body: <html>Bad Gateway</html>)");
  }

  @Test
  void aStandInSlowerThanTheTimeoutIsAnError() throws Exception {
    HttpServer slow =
        serve(
            ex -> {
              try {
                releaseSlow.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              answer(ex, 200, "application/json", ONE);
            });
    String address = "http://127.0.0.1:" + slow.getAddress().getPort();
    MetricResult r = measure(address, "up", Map.of("timeout", 1));
    assertThat(r.phase()).isEqualTo(MetricResult.Phase.ERROR);
    assertThat(r.message())
        .isEqualTo("prometheus " + address + "/api/v1/query: no answer within the timeout of 1s");
  }
}
