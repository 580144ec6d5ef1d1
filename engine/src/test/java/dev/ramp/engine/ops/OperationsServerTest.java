package dev.ramp.engine.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OperationsServerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesMetricsAndProbes() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.counter("ramp_reconcile_total", "result", "ok").increment(3);
    AtomicBoolean ready = new AtomicBoolean(false);
    try (OperationsServer server =
        OperationsServer.start(
            new InetSocketAddress("127.0.0.1", 0), registry, () -> true, ready::get)) {
      String base = "http://127.0.0.1:" + server.port();

      HttpResponse<String> metrics = get(base + "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(metrics.body()).contains("ramp_reconcile_total{result=\"ok\"} 3.0");

      assertThat(get(base + "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(base + "/readyz").statusCode()).isEqualTo(503);
      ready.set(true);
      assertThat(get(base + "/readyz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aThrowingCheckIsNotReady() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (OperationsServer server =
        OperationsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            registry,
            () -> {
              throw new IllegalStateException("queue wedged");
            },
            () -> true)) {
      assertThat(get("http://127.0.0.1:" + server.port() + "/healthz").statusCode()).isEqualTo(503);
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
