package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.provider.LocalPrometheus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real Prometheus (Debian's {@code /usr/bin/prometheus}) on 127.0.0.1, scraping every second a
 * target served here: a service's {@code http_requests_total} counters by {@code code}, which grow
 * by 100 requests at each scrape, {@link #successPercent(int) successPercent} of them 200s and the
 * rest 500s. So {@code irate} over the last two samples gives exactly the current success rate as
 * soon as one scrape has served it: there is no window in which old and new traffic mix.
 *
 * <p>Prometheus picks its own port (port 0, no race with other processes) and its log names it, as
 * in {@code PrometheusProviderIT}.
 */
final class ScrapedPrometheus implements AutoCloseable {
  static final Path PROMETHEUS = LocalPrometheus.PROMETHEUS;

  /** The success rate of service {@code {{args.service}}}, as Argo's docs write it, rounded. */
  static final String SUCCESS_RATE =
      "round(sum(irate(http_requests_total{service=\"{{args.service}}\",code!~\"5..\"}[5s]))"
          + " / sum(irate(http_requests_total{service=\"{{args.service}}\"}[5s])), 0.001)";

  private final Path dir;
  private final String service;
  private final HttpServer target;
  private final HttpClient http = HttpClient.newHttpClient();
  private int percent = 99;
  private long ok;
  private long failed;
  private LocalPrometheus prometheus;

  /**
   * @param dir where Prometheus keeps its config, data and log
   * @param service the {@code service} label of the target's series
   */
  ScrapedPrometheus(Path dir, String service) throws IOException {
    this.dir = dir;
    this.service = service;
    target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext("/metrics", this::scrape);
    target.start();
  }

  /** From the next scrape on, this share of the target's requests succeeds. */
  synchronized void successPercent(int p) {
    percent = p;
  }

  private void scrape(HttpExchange ex) throws IOException {
    String body;
    synchronized (this) {
      ok += percent;
      failed += 100 - percent;
      body = "# TYPE http_requests_total counter\n" + series("200", ok) + series("500", failed);
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
    ex.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private String series(String code, long value) {
    return "http_requests_total{service=\"" + service + "\",code=\"" + code + "\"} " + value + "\n";
  }

  /** Starts Prometheus; returns its address once it listens. */
  String start() throws Exception {
    prometheus = LocalPrometheus.start(dir, target.getAddress().getPort());
    return prometheus.address();
  }

  /** Waits (bounded) until the success-rate query answers {@code expected}, e.g. "0.99". */
  void awaitSuccessRate(String expected) {
    await("Prometheus answers a success rate of " + expected)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> expected.equals(successRate()));
  }

  /** The success-rate query's single value as Prometheus writes it, or null when it has none. */
  String successRate() throws IOException, InterruptedException {
    assertThat(prometheus.isAlive()).as(log()).isTrue();
    String query = SUCCESS_RATE.replace("{{args.service}}", service);
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        prometheus.address()
                            + "/api/v1/query?query="
                            + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode result = Json.MAPPER.readTree(answer.body()).path("data").path("result");
    return result.size() == 1 ? result.get(0).path("value").get(1).asText() : null;
  }

  String log() {
    return prometheus == null ? "(not started)" : prometheus.log();
  }

  @Override
  public void close() throws InterruptedException {
    if (prometheus != null) {
      prometheus.close();
    }
    target.stop(0);
  }
}
